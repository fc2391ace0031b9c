package io.stickypool.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A pool of backends behind one sticky-session proxy: which Service to balance, how a client is
 * bound to a backend, and how bound sessions leave a terminating backend.
 */
@Group("stickypool.io")
@Version("v1alpha1")
@ShortNames({"sp", "spool"})
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class StickyPool extends CustomResource<StickyPoolSpec, StickyPoolStatus>
    implements Namespaced {}
