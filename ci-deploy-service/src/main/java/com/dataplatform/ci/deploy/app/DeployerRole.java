package com.dataplatform.ci.deploy.app;

import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.Set;
import org.springframework.http.HttpStatus;

/**
 * Who may change what runs: creating an app, uploading a version and rolling back need the {@code deployer} or
 * {@code admin} role of the token's org; reading (apps, versions, logs) needs only membership of the org. The role
 * is checked before the app is looked up, so a 403 says nothing about whether the app exists.
 */
final class DeployerRole {

    static final Set<String> ROLES = Set.of("deployer", "admin");

    private DeployerRole() {
    }

    static void require(SuitePrincipal principal, String action) {
        if (ROLES.stream().noneMatch(principal::hasRole)) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Forbidden",
                    action + " needs the deployer or admin role; the token has " + principal.roles(), null);
        }
    }
}
