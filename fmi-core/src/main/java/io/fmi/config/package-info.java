/**
 * The JSON configuration: parsed once with Jackson, validated with errors that name the JSON path,
 * and immutable afterwards. Accepts the C++ FMI {@code fmi.json} unchanged.
 */
package io.fmi.config;
