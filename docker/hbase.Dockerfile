# Standalone HBase 2.6 and its REST gateway, from the same Maven Central artifacts and script as
# integration-tests/services/hbase.sh (build from the repository root; see docker/hbase.yml).
FROM maven:3.9-eclipse-temurin-17
RUN apt-get update -q && apt-get install -y -q --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /sinkhub
ENV SINKHUB_CACHE=/opt/sinkhub-cache SINKHUB_STATE=/var/lib/sinkhub
COPY integration-tests/services/lib.sh integration-tests/services/hbase.sh integration-tests/services/
COPY integration-tests/services/hbase/pom.xml integration-tests/services/hbase/
RUN bash -c 'source integration-tests/services/lib.sh && maven_fetch hbase integration-tests/services/hbase/pom.xml >/dev/null'
CMD ["bash", "-c", "bash integration-tests/services/hbase.sh start && exec tail -F /var/lib/sinkhub/hbase.log /var/lib/sinkhub/hbase-rest.log"]
