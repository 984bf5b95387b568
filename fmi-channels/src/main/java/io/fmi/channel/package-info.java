/** The channels that talk to real backends; each lives in its own sub-package and is found through ServiceLoader. */
package io.fmi.channel;
