package com.dataplatform.dataflow.scheduler.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The body of ci-deploy-service's {@code VersionPromoted} and {@code RolledBack} on deploy.events. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AppVersionChanged(String app, Integer version, Integer previousVersion, List<String> tables) {
}
