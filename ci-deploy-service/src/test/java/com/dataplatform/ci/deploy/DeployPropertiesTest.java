package com.dataplatform.ci.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class DeployPropertiesTest {

    @Test
    void an_unset_work_dir_is_ci_deploy_under_the_temp_dir_not_a_literal_placeholder_directory() {
        DeployProperties props = new Binder(new MapConfigurationPropertySource(Map.of()))
                .bindOrCreate("ci-deploy", DeployProperties.class);
        assertThat(props.workDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "ci-deploy"));
        assertThat(props.workDir().toString()).doesNotContain("${");
        assertThat(props.runtime()).isEqualTo("process");
    }

    @Test
    void a_configured_work_dir_is_kept() {
        DeployProperties props = new Binder(new MapConfigurationPropertySource(Map.of("ci-deploy.work-dir", "/srv/ci")))
                .bindOrCreate("ci-deploy", DeployProperties.class);
        assertThat(props.workDir()).isEqualTo(Path.of("/srv/ci"));
    }
}
