package com.dataplatform.ci.deploy.app;

import com.dataplatform.ci.deploy.DeployProperties;
import com.dataplatform.ci.deploy.assembly.ContentHash;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import com.dataplatform.ci.deploy.bundle.BundleExtractor;
import com.dataplatform.ci.deploy.bundle.BundleRejected;
import com.dataplatform.ci.deploy.bundle.DescriptorException;
import com.dataplatform.ci.deploy.bundle.DescriptorParser;
import com.dataplatform.ci.deploy.lifecycle.Inputs;
import com.dataplatform.ci.deploy.lifecycle.Pipeline;
import com.dataplatform.ci.deploy.lifecycle.VersionStore;
import com.dataplatform.common.web.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;

/**
 * Accepts an uploaded bundle: everything that can be refused is refused before anything is stored — size, archive
 * safety (in a private staging directory), {@code app.yaml} (strict) and the existence of its inputs — with a 4xx
 * naming the field. Then the version row is committed (ASSEMBLING) and the staging directory is moved into place;
 * the rest of the pipeline runs asynchronously.
 */
public class VersionIntake {

    private static final long MAX_DESCRIPTOR_BYTES = 256 * 1024;

    private final AppStore apps;
    private final VersionStore versions;
    private final Pipeline pipeline;
    private final Inputs inputs;
    private final DeployProperties props;
    private final String runtime;

    public VersionIntake(AppStore apps, VersionStore versions, Pipeline pipeline, Inputs inputs,
            DeployProperties props, String runtime) {
        this.apps = apps;
        this.versions = versions;
        this.pipeline = pipeline;
        this.inputs = inputs;
        this.props = props;
        this.runtime = runtime;
    }

    /** The accepted version's number. */
    public int accept(String name, String org, long size, InputStream bundle) {
        AppStore.App app = apps.require(name, org);
        AppName appName = new AppName(app.name());
        if (size > props.maxBundleSize().toBytes()) {
            throw tooLarge("bundle of " + size + " bytes exceeds " + props.maxBundleSize().toBytes());
        }
        Path staging = props.workDir().resolve("staging").resolve(UUID.randomUUID().toString());
        boolean moved = false;
        try {
            Files.createDirectories(staging);
            VersionPaths paths = new VersionPaths(staging);
            long copied = copyLimited(bundle, paths.bundle());
            if (copied > props.maxBundleSize().toBytes()) {
                throw tooLarge("bundle exceeds " + props.maxBundleSize().toBytes() + " bytes");
            }
            new BundleExtractor(props.maxUnpackedSize().toBytes(), props.maxEntries())
                    .extract(paths.bundle(), paths.workspace());
            Path yaml = paths.workspace().resolve("app.yaml");
            if (!Files.isRegularFile(yaml) || Files.isSymbolicLink(yaml)) {
                throw ApiException.invalid("bundle", "the bundle has no app.yaml at its root");
            }
            if (Files.size(yaml) > MAX_DESCRIPTOR_BYTES) {
                throw ApiException.invalid("app.yaml", "app.yaml exceeds " + MAX_DESCRIPTOR_BYTES + " bytes");
            }
            String text = Files.readString(yaml, StandardCharsets.UTF_8);
            AppDescriptor descriptor = DescriptorParser.parse(text, appName, org);
            String problem = inputs.problem(descriptor, org);
            if (problem != null) {
                throw ApiException.unprocessable("app.yaml/reads", problem);
            }
            int version;
            try {
                version = versions.insert(app.name(), ContentHash.ofBytes(paths.bundle()), text, runtime,
                        appName.sql());
            } catch (DataIntegrityViolationException e) {
                throw ApiException.conflict("bundle", "a version of " + name + " is already in its pipeline");
            }
            VersionPaths target = VersionPaths.of(props.workDir(), app.name(), version);
            deleteTree(target.root());
            Files.createDirectories(target.root().getParent());
            Files.move(staging, target.root(), StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            pipeline.submit(app.name(), version);
            return version;
        } catch (BundleRejected e) {
            if (e.tooLarge()) {
                throw tooLarge(e.getMessage());
            }
            throw ApiException.invalid("bundle", e.getMessage());
        } catch (DescriptorException e) {
            throw e.semantic() ? ApiException.unprocessable(e.field(), e.getMessage())
                    : ApiException.invalid(e.field(), e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!moved) {
                try {
                    deleteTree(staging);
                } catch (IOException ignored) {
                    // best effort; staging is cleaned at startup too
                }
            }
        }
    }

    private static ApiException tooLarge(String detail) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Bundle too large", detail, "bundle");
    }

    private long copyLimited(InputStream in, Path target) throws IOException {
        long limit = props.maxBundleSize().toBytes();
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (var out = Files.newOutputStream(target)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > limit) {
                    return total;
                }
                out.write(buffer, 0, n);
            }
        }
        return total;
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        com.dataplatform.ci.deploy.assembly.Assembler.thaw(root);
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
