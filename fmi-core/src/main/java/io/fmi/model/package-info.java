/**
 * The performance and cost model: per channel and operation, predicted seconds and dollars from
 * the formula of the algorithm that channel really runs, and the {@link io.fmi.model.ChannelPolicy}
 * that picks a channel from them.
 */
package io.fmi.model;
