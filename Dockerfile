# One image recipe for every service: docker build --build-arg MODULE=<module> .
# Build the jars first: ./mvnw -B package -DskipTests
# A JDK (not a JRE) base: ci-deploy-service runs single-file Java apps (`java App.java`) in its containers.
FROM eclipse-temurin:17-jdk
ARG MODULE
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home app
WORKDIR /app
COPY ${MODULE}/target/${MODULE}.jar /app/app.jar
USER app
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
