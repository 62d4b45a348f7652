package com.dataplatform.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Points a Spring Boot test at the JVM's shared real PostgreSQL ({@link SuitePostgres}) and Kafka
 * ({@link SuiteKafka}) and makes it trust {@link TestJwts}. Properties given in {@code @SpringBootTest} win.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface SuiteInfrastructure {
}
