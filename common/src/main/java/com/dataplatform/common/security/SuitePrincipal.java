package com.dataplatform.common.security;

import java.util.Set;

/**
 * The caller, from the bearer JWT only: {@code sub}, {@code org} (the tenant) and {@code roles}. Declare it as a
 * controller method parameter to receive it; the org never comes from a request parameter.
 */
public record SuitePrincipal(String subject, String org, Set<String> roles) {

    public SuitePrincipal {
        roles = Set.copyOf(roles);
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }
}
