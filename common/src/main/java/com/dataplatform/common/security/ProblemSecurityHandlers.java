package com.dataplatform.common.security;

import com.dataplatform.common.web.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/** 401 and 403 as problem+json, keeping the RFC 6750 {@code WWW-Authenticate} header. */
public class ProblemSecurityHandlers implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final ProblemWriter problems;
    private final BearerTokenAuthenticationEntryPoint bearerEntryPoint = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler bearerDenied = new BearerTokenAccessDeniedHandler();

    public ProblemSecurityHandlers(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        bearerEntryPoint.commence(request, response, e);
        boolean noToken = request.getHeader("Authorization") == null && request.getParameter("access_token") == null;
        problems.write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized",
                noToken ? "this endpoint needs a bearer JWT (Authorization: Bearer <token>)"
                        : "the bearer token was rejected: " + e.getMessage());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        bearerDenied.handle(request, response, e);
        problems.write(request, response, HttpStatus.FORBIDDEN, "Forbidden",
                "the token's roles do not allow this request");
    }
}
