/**
 * Calibration of the model on the machine the functions run on: {@link io.fmi.calibration.Calibrator}
 * measures every configured channel with real communicators and fits the model's parameters. It
 * uses the communicator API, so it lives apart from {@code io.fmi.model}, which the communicator uses.
 */
package io.fmi.calibration;
