// http_output read from falco.yaml (and -o): Falco's keys and defaults, Kestrel's retry/spool
// keys, errors naming the key, and every key known to the schema (no unknown-key warning).

#include <gtest/gtest.h>

#include "daemon/config_schema.hpp"
#include "daemon/http_output_config.hpp"

namespace kestrel::daemon {
namespace {

base::Result<output::OutputsConfig> read(std::string_view yaml,
                                         std::initializer_list<std::string_view> overrides = {}) {
    auto tree = ConfigTree::load_string(yaml, "falco.yaml");
    if (!tree.ok()) {
        return tree.error();
    }
    for (std::string_view o : overrides) {
        KES_TRY(tree->apply_override(o));
    }
    output::OutputsConfig out;
    KES_TRY(read_http_output_config(*tree, &out));
    return out;
}

TEST(HttpOutputConfig, AbsentBlockKeepsFalcosDefaults) {
    auto c = read("stdout_output:\n  enabled: true\n");
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_FALSE(c->http_enabled);
    EXPECT_EQ(c->http.user_agent, "falcosecurity/falco");
    EXPECT_EQ(c->http.ca_path, "/etc/ssl/certs");
    EXPECT_EQ(c->http.client_cert, "/etc/ssl/certs/client.crt");
    EXPECT_EQ(c->http.client_key, "/etc/ssl/certs/client.key");
    EXPECT_EQ(c->http.max_consecutive_timeouts, 5U);
    EXPECT_FALSE(c->http.json_output);
    EXPECT_FALSE(c->http.compress_uploads);
}

TEST(HttpOutputConfig, FalcoBlockAndKestrelKeys) {
    auto c = read(R"(json_output: true
http_output:
  enabled: true
  url: "http://127.0.0.1:2801/"
  user_agent: "kestrel/test"
  insecure: true
  ca_cert: /x/ca.crt
  ca_bundle: /x/bundle.crt
  ca_path: /x/certs
  mtls: true
  client_cert: /x/c.crt
  client_key: /x/c.key
  echo: true
  compress_uploads: true
  keep_alive: true
  max_consecutive_timeouts: 7
  max_retries: 9
  retry_backoff_ms: 20
  retry_max_backoff_ms: 400
  timeout_ms: 1500
  spool_dir: /x/spool
  spool_max_bytes: 4096
)");
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    const output::HttpOptions& h = c->http;
    EXPECT_TRUE(c->http_enabled);
    EXPECT_TRUE(h.json_output);
    EXPECT_EQ(h.url, "http://127.0.0.1:2801/");
    EXPECT_EQ(h.user_agent, "kestrel/test");
    EXPECT_TRUE(h.insecure);
    EXPECT_EQ(h.ca_cert, "/x/ca.crt");
    EXPECT_EQ(h.ca_bundle, "/x/bundle.crt");
    EXPECT_EQ(h.ca_path, "/x/certs");
    EXPECT_TRUE(h.mtls);
    EXPECT_EQ(h.client_cert, "/x/c.crt");
    EXPECT_EQ(h.client_key, "/x/c.key");
    EXPECT_TRUE(h.echo);
    EXPECT_TRUE(h.compress_uploads);
    EXPECT_TRUE(h.keep_alive);
    EXPECT_EQ(h.max_consecutive_timeouts, 7U);
    EXPECT_EQ(h.max_retries, 9U);
    EXPECT_EQ(h.retry_backoff_ms, 20U);
    EXPECT_EQ(h.retry_max_backoff_ms, 400U);
    EXPECT_EQ(h.timeout_ms, 1500U);
    EXPECT_EQ(h.spool_dir, "/x/spool");
    EXPECT_EQ(h.spool_max_bytes, 4096U);
}

TEST(HttpOutputConfig, CommandLineOverrides) {
    auto c = read("http_output:\n  enabled: false\n",
                  {"http_output.enabled=true", "http_output.url=http://127.0.0.1:1/a",
                   "http_output.spool_dir=/tmp/s"});
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_TRUE(c->http_enabled);
    EXPECT_EQ(c->http.url, "http://127.0.0.1:1/a");
    EXPECT_EQ(c->http.spool_dir, "/tmp/s");
}

TEST(HttpOutputConfig, ErrorsNameTheKey) {
    struct Case {
        const char* yaml;
        const char* key;
    };
    const Case cases[] = {
        {"http_output:\n  enabled: maybe\n", "'http_output.enabled'"},
        {"http_output:\n  enabled: true\n", "'http_output.url'"},
        {"http_output:\n  max_retries: -1\n", "'http_output.max_retries'"},
        {"http_output:\n  max_retries: 4294967296\n", "'http_output.max_retries'"},
        {"http_output:\n  spool_max_bytes: 0\n", "'http_output.spool_max_bytes'"},
        {"http_output:\n  timeout_ms: 10s\n", "'http_output.timeout_ms'"},
        {"http_output:\n  url: [a]\n", "'http_output.url'"},
        {"http_output:\n  retry_backoff_ms: 500\n  retry_max_backoff_ms: 100\n",
         "'http_output.retry_max_backoff_ms'"},
    };
    for (const Case& c : cases) {
        auto r = read(c.yaml);
        ASSERT_FALSE(r.ok()) << c.yaml;
        EXPECT_NE(r.error().to_string().find(c.key), std::string::npos)
            << c.yaml << " -> " << r.error().to_string();
    }
}

TEST(HttpOutputConfig, EveryKeyIsKnownToTheSchema) {
    for (const char* key : {"http_output.enabled",
                            "http_output.url",
                            "http_output.user_agent",
                            "http_output.insecure",
                            "http_output.ca_cert",
                            "http_output.ca_bundle",
                            "http_output.ca_path",
                            "http_output.mtls",
                            "http_output.client_cert",
                            "http_output.client_key",
                            "http_output.echo",
                            "http_output.compress_uploads",
                            "http_output.keep_alive",
                            "http_output.max_consecutive_timeouts",
                            "http_output.max_retries",
                            "http_output.retry_backoff_ms",
                            "http_output.retry_max_backoff_ms",
                            "http_output.timeout_ms",
                            "http_output.spool_dir",
                            "http_output.spool_max_bytes"}) {
        EXPECT_NE(find_known_key(key), nullptr) << key;
    }
    EXPECT_EQ(find_known_key("http_output.spool_directory"), nullptr);
}

} // namespace
} // namespace kestrel::daemon
