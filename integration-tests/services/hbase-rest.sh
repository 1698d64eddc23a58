#!/usr/bin/env bash
# Only the HBase REST gateway of services/hbase.sh (HBase itself must be running): the REST
# transport's outage case stops and restarts the gateway, which takes seconds where the whole
# standalone HBase takes half a minute or more.
#   hbase-rest.sh start | stop | status
HBASE_PART=rest exec bash "$(dirname "${BASH_SOURCE[0]}")/hbase.sh" "$@"
