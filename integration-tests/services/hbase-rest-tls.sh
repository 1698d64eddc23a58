#!/usr/bin/env bash
# A second HBase REST gateway, HTTPS only, for the REST transport's TLS cases: an ephemeral port
# written to $STATE_DIR/hbase-rest-tls.port, a certificate for 127.0.0.1/localhost signed by a CA
# made at first start ($STATE_DIR/hbase/tls/ca.pem). Same distribution and script as
# services/hbase.sh, whose HBase must be running.
#   hbase-rest-tls.sh start | stop | status
HBASE_PART=rest-tls exec bash "$(dirname "${BASH_SOURCE[0]}")/hbase.sh" "$@"
