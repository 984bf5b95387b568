/**
 * Internal: the collective algorithms, written once per channel kind over byte arrays, and the
 * reduction operators bound to element types. Not API; may change without notice.
 */
package io.fmi.collective;
