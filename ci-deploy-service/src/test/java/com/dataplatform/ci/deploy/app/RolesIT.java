package com.dataplatform.ci.deploy.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.ci.deploy.Bundles;
import com.dataplatform.ci.deploy.DeployApi;
import com.dataplatform.ci.deploy.DeployTestBase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Creating apps, uploading versions and rolling back need the deployer or admin role; any member of the org may
 * read. A wrong role is a 403 problem+json that changes nothing.
 */
class RolesIT extends DeployTestBase {

    @Test
    void members_read_deployers_deploy_and_other_roles_are_refused_with_403() throws Exception {
        String org = DeployApi.newOrg();
        seedSales(org);
        DeployApi deployer = new DeployApi(port, org, "deployer");
        DeployApi admin = new DeployApi(port, org);
        DeployApi viewer = new DeployApi(port, org, "viewer", "ops");
        DeployApi plain = new DeployApi(port, org, new String[0]);
        String app = DeployApi.newApp("roles");
        byte[] bundle = Bundles.tarGz(Bundles.sample(app, "once", "input=lake_" + org + ".sales\nvariant=ok\n"));

        for (DeployApi refused : new DeployApi[] {viewer, plain}) {
            assertForbidden(refused.createApp(app), "creating an app");
        }
        assertThat(jdbc.sql("select count(*) from app where name = :a").param("a", app).query(Integer.class)
                .single()).as("no app created").isZero();

        assertThat(deployer.createApp(app).status()).isEqualTo(201);
        for (DeployApi refused : new DeployApi[] {viewer, plain}) {
            assertForbidden(refused.upload(app, bundle, "v.tar.gz"), "uploading a version");
        }
        assertThat(jdbc.sql("select count(*) from app_version where app = :a").param("a", app)
                .query(Integer.class).single()).as("no version stored").isZero();

        DeployApi.Response accepted = deployer.upload(app, bundle, "v1.tar.gz");
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        deployer.awaitStatus(app, 1, "LIVE");
        assertThat(admin.upload(app, bundle, "v2.tar.gz").status()).as("admin may deploy too").isEqualTo(202);
        admin.awaitStatus(app, 2, "LIVE");

        for (DeployApi reader : new DeployApi[] {viewer, plain}) {
            DeployApi.Response details = reader.get("/api/apps/" + app);
            assertThat(details.status()).as(details.body()).isEqualTo(200);
            assertThat(details.json().get("live").get("version").asInt()).isEqualTo(2);
            assertThat(reader.get("/api/apps/" + app + "/versions/1").json().get("status").asString())
                    .isEqualTo("RETIRED");
            assertThat(reader.get("/api/apps/" + app + "/versions/2/logs").body()).contains("wrote daily totals");
            assertForbidden(reader.post("/api/apps/" + app + "/rollback"), "rolling back");
        }
        assertThat(deployer.get("/api/apps/" + app).json().get("live").get("version").asInt())
                .as("live untouched by refused rollbacks").isEqualTo(2);

        DeployApi.Response rolledBack = deployer.post("/api/apps/" + app + "/rollback");
        assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
        assertThat(rolledBack.json().get("version").asInt()).isEqualTo(1);

        DeployApi otherOrgViewer = new DeployApi(port, DeployApi.newOrg(), "viewer");
        assertThat(otherOrgViewer.get("/api/apps/" + app).status()).as("another org's app still looks missing")
                .isEqualTo(404);
        assertForbidden(otherOrgViewer.post("/api/apps/" + app + "/rollback"), "rolling back");
    }

    private static void assertForbidden(DeployApi.Response r, String action) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("status").asInt()).isEqualTo(403);
        assertThat(p.get("detail").asString()).contains(action).contains("deployer or admin role");
    }
}
