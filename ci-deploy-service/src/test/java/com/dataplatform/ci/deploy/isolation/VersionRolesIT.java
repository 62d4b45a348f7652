package com.dataplatform.ci.deploy.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.ci.deploy.DeployApi;
import com.dataplatform.ci.deploy.DeployTestBase;
import com.dataplatform.ci.deploy.app.AppName;
import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import com.dataplatform.ci.deploy.bundle.DescriptorParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Versions of several apps reading the same lake table are deployed at once: each GRANT rewrites the same catalog
 * rows (the input schema's and table's ACL), which PostgreSQL refuses concurrently ("tuple concurrently updated").
 * Every role is still created with its grants, and dropping them while others are created works too.
 */
class VersionRolesIT extends DeployTestBase {

    @Autowired
    private VersionRoles roles;

    @Test
    void roles_reading_the_same_input_are_created_and_dropped_concurrently() throws Exception {
        String org = DeployApi.newOrg();
        seedSales(org);
        int n = 8;
        List<String> names = new ArrayList<>();
        List<AppDescriptor> descriptors = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String app = DeployApi.newApp("grants");
            names.add("app_" + app.replace('-', '_') + "_v1");
            descriptors.add(DescriptorParser.parse("""
                    name: %s
                    run: "true"
                    reads: [lake.sales]
                    writes: [t]
                    tests:
                      - name: t
                        sql: "select count(*) >= 0 from {{t}}"
                    """.formatted(app), new AppName(app), org));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<String>> created = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                created.add(CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return roles.create(names.get(k), names.get(k), descriptors.get(k));
                }, pool));
            }
            go.countDown();
            CompletableFuture.allOf(created.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            for (String role : names) {
                assertThat(jdbc.sql("select has_table_privilege(:r, :t, 'SELECT')").param("r", role)
                        .param("t", "lake_" + org + ".sales").query(Boolean.class).single()).as(role).isTrue();
            }

            // half are dropped while the other half are created again
            CountDownLatch again = new CountDownLatch(1);
            List<CompletableFuture<?>> mixed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                mixed.add(CompletableFuture.runAsync(() -> {
                    await(again);
                    if (k % 2 == 0) {
                        roles.drop(names.get(k));
                    } else {
                        roles.create(names.get(k), names.get(k), descriptors.get(k));
                    }
                }, pool));
            }
            again.countDown();
            CompletableFuture.allOf(mixed.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            for (int i = 0; i < n; i++) {
                assertThat(roles.exists(names.get(i))).as(names.get(i)).isEqualTo(i % 2 == 1);
            }
        } finally {
            pool.shutdownNow();
            names.forEach(roles::drop);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
