/**
 * Decide, purely: a pool's spec with its defaults and checks, and every object it owns as the
 * operator wants it. No client calls.
 */
package io.stickypool.operator.model;
