# One image per service, built from its fat jar: docker build --build-arg MODULE=wallet-api .
# MODULE is one of wallet-api, operation-worker, payments-api, orders-api, webhooks, platform (the gateway).
FROM eclipse-temurin:17-jdk AS build
ARG MODULE
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY common common
COPY migrations migrations
COPY embedded-infra embedded-infra
COPY test-support test-support
COPY wallet-api wallet-api
COPY operation-worker operation-worker
COPY payments-api payments-api
COPY orders-api orders-api
COPY webhooks webhooks
COPY platform platform
COPY load-tester load-tester
COPY clients/typescript clients/typescript
COPY clients/java clients/java
COPY acceptance acceptance
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q package -DskipTests -pl ${MODULE} -am \
 && cp ${MODULE}/target/${MODULE}.jar /app.jar

FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 app \
 && mkdir -p /var/lib/wallet-platform/auth && chown app /var/lib/wallet-platform/auth
# A named volume mounted there starts with this ownership: the development issuer keeps its keys in it.
USER app
COPY --from=build /app.jar /app/app.jar
ENV JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseParallelGC -XX:+UseTransparentHugePages"
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/app.jar \"$@\"", "--"]
