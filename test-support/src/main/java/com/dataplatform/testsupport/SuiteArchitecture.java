package com.dataplatform.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;

/** Module boundaries, checked on compiled classes: services never use each other's code. */
public final class SuiteArchitecture {

    /** Base package of each of the six services. */
    public static final List<String> SERVICE_PACKAGES = List.of(
            "com.dataplatform.ci.deploy",
            "com.dataplatform.stream.distributor",
            "com.dataplatform.calendar.sync",
            "com.dataplatform.bulk.extract",
            "com.dataplatform.dataflow.scheduler",
            "com.dataplatform.analytics.embed");

    private SuiteArchitecture() {
    }

    /** Fails if any main class of {@code servicePackage} refers to a class of another service. */
    public static void assertServiceIsIndependent(String servicePackage) {
        if (!SERVICE_PACKAGES.contains(servicePackage)) {
            throw new IllegalArgumentException("not a service package: " + servicePackage);
        }
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(servicePackage);
        if (classes.isEmpty()) {
            throw new AssertionError("no classes found in " + servicePackage);
        }
        String[] others = SERVICE_PACKAGES.stream().filter(p -> !p.equals(servicePackage)).map(p -> p + "..")
                .toArray(String[]::new);
        noClasses().that().resideInAPackage(servicePackage + "..")
                .should().dependOnClassesThat().resideInAnyPackage(others)
                .orShould().dependOnClassesThat().resideInAPackage("com.dataplatform.testsupport..")
                .because("services depend on common only, never on each other")
                .check(classes);
    }
}
