package com.dataplatform.ci.deploy;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** CI/CD for data-lake apps: assemble, isolated container, write-audit-publish, gated atomic promotion, rollback. */
@SpringBootApplication
public class CiDeployApplication {

    public static void main(String[] args) {
        SpringApplication.run(CiDeployApplication.class, args);
    }
}
