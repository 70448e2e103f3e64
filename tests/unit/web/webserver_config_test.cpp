// The `webserver` block of falco.yaml, read through the daemon's configuration.
#include <gtest/gtest.h>

#include "../daemon/config_test_util.hpp"
#include "daemon/config.hpp"

namespace kestrel::daemon {
namespace {

using testing::error_of;
using testing::Loaded;
using testing::read;

TEST(WebserverConfig, DefaultsAreFalcosExceptTheLoopbackAddress) {
    Loaded loaded = read("");
    ASSERT_TRUE(loaded.config.ok()) << error_of(loaded);
    const WebserverConfig& w = loaded.config->webserver;
    EXPECT_TRUE(w.enabled);
    EXPECT_FALSE(w.prometheus_metrics_enabled);
    EXPECT_EQ(w.options.listen_address, "127.0.0.1");
    EXPECT_EQ(w.options.listen_port, 8765);
    EXPECT_EQ(w.options.threadiness, 0u);
    EXPECT_EQ(w.options.healthz_endpoint, "/healthz");
    EXPECT_FALSE(w.options.ssl_enabled);
    EXPECT_EQ(w.options.ssl_certificate, "/etc/falco/falco.pem");
}

TEST(WebserverConfig, ReadsEveryFalcoKey) {
    Loaded loaded = read(R"(webserver:
  enabled: false
  threadiness: 3
  listen_port: 9376
  listen_address: "::1"
  k8s_healthz_endpoint: /live
  prometheus_metrics_enabled: true
  ssl_enabled: true
  ssl_certificate: /tmp/k.pem
)");
    ASSERT_TRUE(loaded.config.ok()) << error_of(loaded);
    EXPECT_TRUE(loaded.warnings.empty());
    const WebserverConfig& w = loaded.config->webserver;
    EXPECT_FALSE(w.enabled);
    EXPECT_EQ(w.options.threadiness, 3u);
    EXPECT_EQ(w.options.listen_port, 9376);
    EXPECT_EQ(w.options.listen_address, "::1");
    EXPECT_EQ(w.options.healthz_endpoint, "/live");
    EXPECT_TRUE(w.prometheus_metrics_enabled);
    EXPECT_TRUE(w.options.ssl_enabled);
    EXPECT_EQ(w.options.ssl_certificate, "/tmp/k.pem");
}

TEST(WebserverConfig, OverridesApply) {
    Loaded loaded = read("webserver: {enabled: true}",
                         {"webserver.listen_address=0.0.0.0", "webserver.listen_port=0"});
    ASSERT_TRUE(loaded.config.ok()) << error_of(loaded);
    EXPECT_EQ(loaded.config->webserver.options.listen_address, "0.0.0.0");
    EXPECT_EQ(loaded.config->webserver.options.listen_port, 0);
}

TEST(WebserverConfig, InvalidAddressUsesFalcosMessage) {
    for (const char* address : {"327.0.0.1", "127. 0.0.1", "!27.0.0.1", "localhost"}) {
        Loaded loaded = read("", {std::string("webserver.listen_address=") + address});
        ASSERT_FALSE(loaded.config.ok()) << address;
        EXPECT_NE(error_of(loaded).find(std::string("webserver listen address \"") + address +
                                        "\" is not a valid IP address"),
                  std::string::npos)
            << error_of(loaded);
    }
}

TEST(WebserverConfig, MalformedValuesNameTheirKey) {
    struct Case {
        const char* override_text;
        const char* key;
    };
    for (Case c :
         {Case{"webserver.listen_port=70000", "'webserver.listen_port'"},
          Case{"webserver.listen_port=-1", "'webserver.listen_port'"},
          Case{"webserver.threadiness=many", "'webserver.threadiness'"},
          Case{"webserver.enabled=maybe", "'webserver.enabled'"},
          Case{"webserver.ssl_enabled=2", "'webserver.ssl_enabled'"},
          Case{"webserver.k8s_healthz_endpoint=healthz", "'webserver.k8s_healthz_endpoint'"}}) {
        Loaded loaded = read("", {c.override_text});
        ASSERT_FALSE(loaded.config.ok()) << c.override_text;
        EXPECT_NE(error_of(loaded).find(c.key), std::string::npos) << error_of(loaded);
    }
    Loaded not_a_map = read("webserver: [1, 2]");
    ASSERT_FALSE(not_a_map.config.ok());
    EXPECT_NE(error_of(not_a_map).find("'webserver'"), std::string::npos);
}

TEST(WebserverConfig, UnknownKeyInTheBlockWarns) {
    Loaded loaded = read("webserver:\n  listen_prot: 8080\n");
    ASSERT_TRUE(loaded.config.ok()) << error_of(loaded);
    ASSERT_EQ(loaded.warnings.size(), 1u);
    EXPECT_NE(loaded.warnings[0].find("webserver.listen_prot"), std::string::npos);
}

} // namespace
} // namespace kestrel::daemon
