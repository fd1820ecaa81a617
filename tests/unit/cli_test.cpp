#include "app/cli.h"

#include <gtest/gtest.h>

namespace talegraph::app {
namespace {

TEST(Cli, ServeWithFiles) {
  CommandLine line = ParseCommandLine({"serve", "--config", "a.toml", "--secrets", "b.toml"});
  EXPECT_EQ(line.command, Command::kServe);
  ASSERT_TRUE(line.sources.settings_path.has_value());
  EXPECT_EQ(line.sources.settings_path->string(), "a.toml");
  EXPECT_EQ(line.sources.secrets_path.string(), "b.toml");
}

TEST(Cli, DefaultsWithoutOptions) {
  CommandLine line = ParseCommandLine({"check-config"});
  EXPECT_EQ(line.command, Command::kCheckConfig);
  EXPECT_FALSE(line.sources.settings_path.has_value());
  EXPECT_EQ(line.sources.secrets_path.string(), "config/secrets.toml");
}

TEST(Cli, VersionAndHelp) {
  EXPECT_EQ(ParseCommandLine({"--version"}).command, Command::kVersion);
  EXPECT_EQ(ParseCommandLine({"--help"}).command, Command::kHelp);
}

TEST(Cli, ProcessOptions) {
  CommandLine line =
      ParseCommandLine({"process", "story.m4a", "--user", "u1", "--title", "Growing up", "--json"});
  EXPECT_EQ(line.command, Command::kProcess);
  EXPECT_EQ(line.process.file, "story.m4a");
  EXPECT_EQ(line.process.user_id, "u1");
  EXPECT_EQ(line.process.title, "Growing up");
  EXPECT_TRUE(line.process.json);
}

TEST(Cli, BadCommandLines) {
  const std::vector<std::vector<std::string>> cases = {{},
                                                       {"serv"},
                                                       {"serve", "--port", "1"},
                                                       {"serve", "--config"},
                                                       {"serve", "--json"},
                                                       {"process"},
                                                       {"process", "--json"},
                                                       {"process", "a.wav", "--user"},
                                                       {"process", "a.wav", "--speed", "2"}};
  for (const auto& arguments : cases) {
    EXPECT_THROW(ParseCommandLine(arguments), std::invalid_argument)
        << (arguments.empty() ? "(no arguments)" : arguments[0]);
  }
}

}  // namespace
}  // namespace talegraph::app
