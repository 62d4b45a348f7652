package com.dataplatform.common.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** common holds contracts and auto-configuration only: no service code, no entities, no controllers. */
class CommonStaysThinTest {

    private final JavaClasses common = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("com.dataplatform.common");

    @Test
    void never_depends_on_a_service_or_test_support() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("com.dataplatform.ci..",
                "com.dataplatform.stream..", "com.dataplatform.calendar..", "com.dataplatform.bulk..",
                "com.dataplatform.dataflow..", "com.dataplatform.analytics..", "com.dataplatform.testsupport..",
                "com.dataplatform.localstack..", "com.dataplatform.bench..")
                .check(common);
    }

    @Test
    void has_no_entities_or_annotated_controllers() {
        noClasses().should().beAnnotatedWith("jakarta.persistence.Entity")
                .orShould().beAnnotatedWith("org.springframework.stereotype.Controller")
                .orShould().beAnnotatedWith("org.springframework.web.bind.annotation.RestController")
                .check(common);
    }
}
