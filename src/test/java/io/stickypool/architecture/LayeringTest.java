package io.stickypool.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The dependency rule of the architecture: core decides and depends on nothing; the proxy moves
 * bytes and never sees the operator (and sees Kubernetes only through its routes-source adapter);
 * the operator talks to Kubernetes and never touches Netty; the API classes stand alone. The
 * sandbox (an embedded mock Kubernetes API for trying things without a cluster) is the only code
 * that may use fabric8's mock server, and the layers that run in production never use the sandbox.
 */
@AnalyzeClasses(packages = "io.stickypool", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {
  private static final String NETTY = "io.netty..";
  private static final String FABRIC8 = "io.fabric8..";
  private static final String JOSDK = "io.javaoperatorsdk..";
  private static final String JACKSON = "com.fasterxml.jackson..";
  private static final String MICROMETER = "io.micrometer..";
  private static final String MOCK_SERVER = "io.fabric8.kubernetes.client.server.mock..";
  private static final String MOCK_WEB_SERVER = "io.fabric8.mockwebserver..";
  private static final String SANDBOX = "io.stickypool.sandbox..";

  @ArchTest
  static final ArchRule coreDependsOnTheJdkOnly =
      noClasses()
          .that().resideInAPackage("io.stickypool.core..")
          .should().dependOnClassesThat()
          .resideInAnyPackage(
              NETTY, FABRIC8, JOSDK, JACKSON, MICROMETER, "picocli..", "org.slf4j..",
              "io.stickypool.proxy..", "io.stickypool.operator..", "io.stickypool.api..",
              "io.stickypool.contract..", "io.stickypool.cli..")
          .because("core holds pure decisions that both the proxy and the operator stand on");

  @ArchTest
  static final ArchRule proxyNeverUsesTheOperatorSdk =
      noClasses()
          .that().resideInAPackage("io.stickypool.proxy..")
          .should().dependOnClassesThat()
          .resideInAnyPackage(JOSDK, "io.stickypool.operator..", "io.stickypool.api..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule proxyTouchesKubernetesOnlyInItsSourceAdapters =
      noClasses()
          .that().resideInAPackage("io.stickypool.proxy..")
          .and().resideOutsideOfPackages("io.stickypool.proxy.routes.kubernetes..", "io.stickypool.proxy.tls.kubernetes..")
          .should().dependOnClassesThat().resideInAPackage(FABRIC8)
          .because("two small adapters read the routes ConfigMap and the TLS Secret; the data plane knows no Kubernetes")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule operatorNeverUsesNetty =
      noClasses()
          .that().resideInAPackage("io.stickypool.operator..")
          .should().dependOnClassesThat().resideInAnyPackage(NETTY, "io.stickypool.proxy..")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule apiStandsAlone =
      noClasses()
          .that().resideInAPackage("io.stickypool.api..")
          .should().dependOnClassesThat()
          .resideInAnyPackage(
              "io.stickypool.proxy..", "io.stickypool.operator..", NETTY, JOSDK)
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule contractIsJacksonAndCoreOnly =
      noClasses()
          .that().resideInAPackage("io.stickypool.contract..")
          .should().dependOnClassesThat()
          .resideInAnyPackage(
              NETTY, FABRIC8, JOSDK, "io.stickypool.proxy..", "io.stickypool.operator..")
          .because("the snapshot codec is shared by the operator (writer) and the proxy (reader)")
          .allowEmptyShould(true);

  @ArchTest
  static final ArchRule onlyTheSandboxUsesTheMockServer =
      noClasses()
          .that().resideOutsideOfPackage(SANDBOX)
          .should().dependOnClassesThat().resideInAnyPackage(MOCK_SERVER, MOCK_WEB_SERVER)
          .because("the mock server ships in the jar only to back the no-cluster sandbox");

  @ArchTest
  static final ArchRule productionLayersNeverUseTheSandbox =
      noClasses()
          .that().resideInAnyPackage(
              "io.stickypool.core..", "io.stickypool.proxy..", "io.stickypool.operator..",
              "io.stickypool.api..", "io.stickypool.contract..")
          .should().dependOnClassesThat().resideInAPackage(SANDBOX)
          .because("the sandbox is a demo harness; entry points (cli, demo) may start it");

  @ArchTest
  static final ArchRule sandboxIsOnlyAnApiServer =
      noClasses()
          .that().resideInAPackage(SANDBOX)
          .should().dependOnClassesThat()
          .resideInAnyPackage("io.stickypool.operator..", "io.stickypool.proxy..", NETTY, JOSDK)
          .because("it serves the Kubernetes API; whoever starts it brings the operator")
          .allowEmptyShould(true);
}
