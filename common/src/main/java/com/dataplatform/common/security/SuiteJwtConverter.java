package com.dataplatform.common.security;

import com.dataplatform.common.lake.LakeNames;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Turns a validated JWT into an authentication whose authorities are {@code ROLE_<role>} for each of its roles. */
public class SuiteJwtConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    public static final String ORG_CLAIM = "org";
    public static final String ROLES_CLAIM = "roles";

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        OAuth2TokenValidatorResult check = orgValidator().validate(jwt);
        if (check.hasErrors()) {
            throw new InvalidBearerTokenException(check.getErrors().iterator().next().getDescription());
        }
        Collection<GrantedAuthority> authorities = roles(jwt).stream()
                .<GrantedAuthority>map(r -> new SimpleGrantedAuthority("ROLE_" + r)).toList();
        return new JwtAuthenticationToken(jwt, authorities, jwt.getSubject());
    }

    static Set<String> roles(Jwt jwt) {
        Object claim = jwt.getClaims().get(ROLES_CLAIM);
        Set<String> roles = new LinkedHashSet<>();
        if (claim instanceof Collection<?> c) {
            c.forEach(r -> roles.add(String.valueOf(r)));
        } else if (claim instanceof String s && !s.isBlank()) {
            roles.addAll(List.of(s.trim().split("[\\s,]+")));
        }
        return roles;
    }

    public static SuitePrincipal principal(Jwt jwt) {
        return new SuitePrincipal(jwt.getSubject(), jwt.getClaimAsString(ORG_CLAIM), roles(jwt));
    }

    /** Rejects tokens without a subject or with a missing/invalid {@code org} claim. */
    public static OAuth2TokenValidator<Jwt> orgValidator() {
        return jwt -> {
            if (jwt.getSubject() == null || jwt.getSubject().isBlank()) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "token has no sub claim", null));
            }
            if (!LakeNames.isOrg(jwt.getClaimAsString(ORG_CLAIM))) {
                return OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                        "token has no valid org claim ([a-z][a-z0-9_]{0,30})", null));
            }
            return OAuth2TokenValidatorResult.success();
        };
    }
}
