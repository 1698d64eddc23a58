#!/usr/bin/env bash
# A second Elasticsearch with security on, for the authentication and TLS cases: HTTPS with a CA
# made at start ($STATE_DIR/elasticsearch-secure/config/certs/ca.pem), superuser
# sinkhub/sinkhub-secret in the file realm, API keys enabled. Same distribution and script as
# services/elasticsearch.sh.
#   elasticsearch-secure.sh start | stop | status
url=${ELASTICSEARCH_SECURE_URL:-https://127.0.0.1:9210}
ES_NAME=elasticsearch-secure ES_SECURE=1 ELASTICSEARCH_URL=$url ELASTICSEARCH_PORT='' \
  exec bash "$(dirname "${BASH_SOURCE[0]}")/elasticsearch.sh" "$@"
