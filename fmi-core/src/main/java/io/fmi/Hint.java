package io.fmi;

/** What the channel policy optimises for when it picks a channel for an operation. */
public enum Hint {
    /** Minimise the predicted completion time of the operation. */
    FAST,
    /** Minimise the predicted total price: channel requests plus the functions' time spent waiting. */
    CHEAP
}
