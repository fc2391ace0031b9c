package io.stickypool.proxy.admin;

/** One admin path. Runs on the admin event loop: answers quickly and never blocks. */
@FunctionalInterface
public interface AdminEndpoint {
  AdminResponse handle(AdminRequest request);
}
