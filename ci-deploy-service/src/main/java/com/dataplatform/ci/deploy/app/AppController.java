package com.dataplatform.ci.deploy.app;

import com.dataplatform.ci.deploy.assembly.LogTail;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.DeployProperties;
import com.dataplatform.ci.deploy.lifecycle.Cutover;
import com.dataplatform.ci.deploy.lifecycle.LiveProcesses;
import com.dataplatform.ci.deploy.lifecycle.Rollback;
import com.dataplatform.ci.deploy.lifecycle.VersionRow;
import com.dataplatform.ci.deploy.lifecycle.VersionStatus;
import com.dataplatform.ci.deploy.lifecycle.VersionStore;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
@RequestMapping("/api/apps")
class AppController {

    record CreateApp(@NotBlank @Size(max = 40) String name, @Size(max = 2000) String description) {
    }

    record AppView(String name, String description, OffsetDateTime createdAt) {
    }

    record Accepted(int version, VersionStatus status) {
    }

    record VersionSummary(int version, VersionStatus status, OffsetDateTime createdAt, OffsetDateTime promotedAt,
            String failure) {
    }

    record Live(int version, OffsetDateTime promotedAt) {
    }

    record Candidate(int version, VersionStatus status) {
    }

    record AppDetails(String name, String description, Live live, Candidate candidate,
            LiveProcesses.ProcessView process, List<VersionSummary> history) {
    }

    record Failure(String stage, String reason) {
    }

    record VersionDetails(String app, int version, VersionStatus status, String runtime, String contentHash,
            String schema, List<VersionStore.StageTiming> stages, JsonNode tests, Failure failure,
            OffsetDateTime createdAt, OffsetDateTime promotedAt, OffsetDateTime retiredAt,
            OffsetDateTime schemaExpiresAt, OffsetDateTime schemaDroppedAt) {
    }

    record RolledBack(int version, Integer previousVersion, long cutoverMillis) {
    }

    private final AppStore apps;
    private final VersionStore versions;
    private final VersionIntake intake;
    private final Rollback rollback;
    private final LiveProcesses live;
    private final DeployProperties props;
    private final JsonMapper json;

    AppController(AppStore apps, VersionStore versions, VersionIntake intake, Rollback rollback, LiveProcesses live,
            DeployProperties props, JsonMapper json) {
        this.apps = apps;
        this.versions = versions;
        this.intake = intake;
        this.rollback = rollback;
        this.live = live;
        this.props = props;
        this.json = json;
    }

    @PostMapping
    ResponseEntity<AppView> create(@Valid @RequestBody CreateApp body, SuitePrincipal principal) {
        DeployerRole.require(principal, "creating an app");
        if (!AppName.isValid(body.name())) {
            throw ApiException.invalid("name", "must be lower-case letters/digits joined by single hyphens, start "
                    + "with a letter, at most " + AppName.MAX_LENGTH + " characters");
        }
        AppStore.App app = apps.create(new AppName(body.name()), principal.org(), body.description());
        return ResponseEntity.created(URI.create("/api/apps/" + app.name()))
                .body(new AppView(app.name(), app.description(), app.createdAt()));
    }

    @GetMapping("/{name}")
    AppDetails get(@PathVariable String name, SuitePrincipal principal) {
        AppStore.App app = apps.require(name, principal.org());
        List<VersionRow> history = versions.history(app.name());
        Live liveVersion = history.stream().filter(v -> v.status() == VersionStatus.LIVE).findFirst()
                .map(v -> new Live(v.version(), v.promotedAt())).orElse(null);
        Candidate candidate = history.stream().filter(v -> v.status().inFlight()).findFirst()
                .map(v -> new Candidate(v.version(), v.status())).orElse(null);
        return new AppDetails(app.name(), app.description(), liveVersion, candidate,
                live.view(app.name()).orElse(null), history.stream().map(v -> new VersionSummary(v.version(),
                        v.status(), v.createdAt(), v.promotedAt(), v.failure())).toList());
    }

    @PostMapping(path = "/{name}/versions", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<Accepted> upload(@PathVariable String name, @RequestPart(name = "bundle", required = false)
            MultipartFile bundle, SuitePrincipal principal) {
        DeployerRole.require(principal, "uploading a version");
        apps.require(name, principal.org());
        if (bundle == null || bundle.isEmpty()) {
            throw ApiException.invalid("bundle", "multipart part 'bundle' (a .tar.gz or .zip) is required");
        }
        int version;
        try {
            version = intake.accept(name, principal.org(), bundle.getSize(), bundle.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ResponseEntity.accepted().location(URI.create("/api/apps/" + name + "/versions/" + version))
                .body(new Accepted(version, VersionStatus.ASSEMBLING));
    }

    @GetMapping("/{name}/versions/{version}")
    VersionDetails version(@PathVariable String name, @PathVariable int version, SuitePrincipal principal) {
        VersionRow v = require(name, version, principal);
        return new VersionDetails(v.app(), v.version(), v.status(), v.runtime(), v.contentHash(), v.schemaName(),
                versions.stages(v.app(), v.version()), json.readTree(v.tests()),
                v.failure() == null ? null : new Failure(v.failedStage(), v.failure()), v.createdAt(),
                v.promotedAt(), v.retiredAt(), v.schemaExpiresAt(), v.schemaDroppedAt());
    }

    @GetMapping(path = "/{name}/versions/{version}/logs", produces = MediaType.TEXT_PLAIN_VALUE)
    String logs(@PathVariable String name, @PathVariable int version, SuitePrincipal principal) {
        VersionRow v = require(name, version, principal);
        VersionPaths paths = VersionPaths.of(props.workDir(), v.app(), v.version());
        String build = LogTail.of(paths.buildLog(), 128 * 1024);
        String run = LogTail.of(paths.runLog(), 512 * 1024);
        return (build.isEmpty() ? "" : "== build ==\n" + build + "\n") + "== run ==\n" + run + "\n";
    }

    @PostMapping("/{name}/rollback")
    RolledBack rollback(@PathVariable String name, SuitePrincipal principal) {
        DeployerRole.require(principal, "rolling back");
        apps.require(name, principal.org());
        Cutover.Result r = rollback.rollback(name);
        return new RolledBack(r.version(), r.previous(), r.millis());
    }

    private VersionRow require(String name, int version, SuitePrincipal principal) {
        apps.require(name, principal.org());
        return versions.find(name, version).orElseThrow(() -> ApiException.notFound("version", name + "/v"
                + version));
    }

}
