package com.dataplatform.ci.deploy.assembly;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 over an artifact tree: for every entry in sorted relative-path order, its path, its kind (file, dir,
 * link + target) and a file's executable bit and bytes. Any change to the tree changes the hash.
 */
public final class ContentHash {

    private ContentHash() {
    }

    public static String of(Path root) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> paths;
        try (var walk = Files.walk(root)) {
            paths = walk.filter(p -> !p.equals(root)).sorted().toList();
        }
        byte[] buffer = new byte[64 * 1024];
        for (Path p : paths) {
            String rel = root.relativize(p).toString();
            if (Files.isSymbolicLink(p)) {
                digest.update(("L " + rel + " -> " + Files.readSymbolicLink(p) + "\n").getBytes(StandardCharsets.UTF_8));
            } else if (Files.isDirectory(p)) {
                digest.update(("D " + rel + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                digest.update(("F " + rel + (Files.isExecutable(p) ? " x " : " - ") + Files.size(p) + "\n")
                        .getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(p)) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
        }
        return "sha256:" + HexFormat.of().formatHex(digest.digest());
    }

    public static String ofBytes(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[64 * 1024];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
