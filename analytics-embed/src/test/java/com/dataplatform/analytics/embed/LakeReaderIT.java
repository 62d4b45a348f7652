package com.dataplatform.analytics.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.analytics.embed.lake.LakeReader;
import com.dataplatform.analytics.embed.lake.SqlQuery;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
class LakeReaderIT {

    @LocalServerPort
    int port;
    @Autowired
    LakeReader lake;
    @Autowired
    JdbcClient jdbc;

    @Test
    void the_lake_pool_is_read_only_as_lake_reader_and_cannot_read_the_services_own_tables() {
        String org = EmbedFixture.freshOrg("ro");
        new LakeFixture(jdbc).table(org, "t", List.of("k text"), List.of(List.of("a")));
        String table = com.dataplatform.common.lake.LakeNames.qualifiedTable(org, "t");
        assertThatThrownBy(() -> lake.run(new SqlQuery("delete from " + table + " returning k", List.of(), List.of("k"))))
                .rootCause().hasMessageContaining("read-only transaction");
        assertThatThrownBy(() -> lake.run(new SqlQuery("select secret from analytics_embed.org_key", List.of(),
                List.of("secret")))).rootCause().hasMessageContaining("permission denied");
        assertThat(lake.run(new SqlQuery("select current_user", List.of(), List.of("u"))).rows())
                .containsExactly(List.of("lake_reader"));
        String health = new Api(port).get("/actuator/health", null).body();
        assertThat(health).contains("lakeReader");
    }
}
