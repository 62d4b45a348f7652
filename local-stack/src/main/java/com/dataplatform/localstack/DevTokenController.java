package com.dataplatform.localstack;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Local stack only: {@code POST /dev/tokens} and the JWK set the services validate tokens against. */
@RestController
class DevTokenController {

    record TokenRequest(
            @NotNull @Pattern(regexp = "[a-z][a-z0-9_]{0,30}") String org,
            @Size(max = 20) List<@Pattern(regexp = "[a-z][a-z0-9_-]{0,30}") String> roles,
            @Pattern(regexp = "[A-Za-z0-9@._-]{1,100}") String subject,
            @Min(1) @Max(86400) Long ttlSeconds) {
    }

    private final DevTokenIssuer issuer;

    DevTokenController(DevTokenIssuer issuer) {
        this.issuer = issuer;
    }

    @PostMapping("/dev/tokens")
    Map<String, String> token(@Valid @RequestBody TokenRequest request) {
        String subject = request.subject() == null ? "dev-" + request.org() : request.subject();
        List<String> roles = request.roles() == null ? List.of() : request.roles();
        long ttl = request.ttlSeconds() == null ? 3600 : request.ttlSeconds();
        return Map.of("token", issuer.issue(subject, request.org(), roles, ttl));
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ProblemDetail invalid(MethodArgumentNotValidException e) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        problem.setTitle("Invalid token request");
        problem.setDetail(e.getBindingResult().getFieldErrors().stream()
                .map(f -> f.getField() + ": " + f.getDefaultMessage()).sorted().toList().toString());
        return problem;
    }

    @GetMapping("/.well-known/jwks.json")
    Map<String, Object> jwks() {
        return issuer.jwks();
    }
}
