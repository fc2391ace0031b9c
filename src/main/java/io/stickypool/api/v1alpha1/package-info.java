/**
 * The {@code stickypool.io/v1alpha1} API: the StickyPool custom resource. The CRD in {@code crds/}
 * is generated from these classes (crd-generator-maven-plugin); edit the classes, then run
 * {@code make crds}. The package stands alone: no proxy, operator, Netty or JOSDK types.
 */
package io.stickypool.api.v1alpha1;
