// Dockerfile for a Java app: Maven or Gradle builds the jar with its repository cache mounted, a JRE
// image runs it as a non-root user. The JVM is started in exec form (`java -jar`), so the
// JAVA_TOOL_OPTIONS the debug configuration sets (the JDWP agent on port 5005) reaches it; Maven and
// Gradle compile with debug information by default.
import { APP_DIR, type ProjectFacts, type ScaffoldOptions } from '../ecosystems.js';
import { createUser, header, lines, run, USER_LINE, uncachedRules } from './dockerfile-parts.js';

export const MAVEN_IMAGE = 'maven:3.9-eclipse-temurin-21';
export const GRADLE_IMAGE = 'gradle:8.10-jdk21';
export const JRE_IMAGE = 'eclipse-temurin:21-jre';

export function javaDockerfile(facts: ProjectFacts, opts: ScaffoldOptions): string {
  const maven = (facts.java?.build ?? 'maven') === 'maven';
  const build = maven
    ? [
        `FROM ${MAVEN_IMAGE} AS build`,
        'WORKDIR /src',
        'COPY pom.xml ./',
        `${run(opts, '/root/.m2')}mvn -B -q dependency:go-offline`,
        'COPY src ./src',
        // The one runnable jar: Spring Boot's repackaged jar, or the plain one.
        `${run(opts, '/root/.m2')}mvn -B -q package -DskipTests && find target -maxdepth 1 -name \'*.jar\' ! -name \'*-sources.jar\' ! -name \'*-javadoc.jar\' ! -name \'original-*\' -exec cp {} /app.jar \\;`,
      ]
    : [
        `FROM ${GRADLE_IMAGE} AS build`,
        'WORKDIR /src',
        'COPY . .',
        `${run(opts, '/home/gradle/.gradle')}gradle --no-daemon -q build -x test && find build/libs -maxdepth 1 -name \'*.jar\' ! -name \'*-plain.jar\' -exec cp {} /app.jar \\;`,
      ];
  return lines(
    header('Java app', uncachedRules(opts, maven ? 'DL3071' : 'DL3072')),
    '# No HEALTHCHECK: the JRE image has no HTTP client to probe with; add your framework\'s (Spring Boot Actuator, ...) if you have one.',
    '',
    ...build,
    '',
    `FROM ${JRE_IMAGE}`,
    `WORKDIR ${APP_DIR}`,
    createUser(),
    `COPY --from=build /app.jar ${APP_DIR}/app.jar`,
    USER_LINE,
    `EXPOSE ${opts.port}`,
    `ENTRYPOINT ["java", "-jar", "${APP_DIR}/app.jar"]`,
  );
}
