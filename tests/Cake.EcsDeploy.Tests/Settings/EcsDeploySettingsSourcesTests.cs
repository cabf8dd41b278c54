using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Settings;

/// <summary>Arguments over environment over the settings file, and a settings file that is checked.</summary>
public class EcsDeploySettingsSourcesTests
{
    private static string RepositoryWith(string settingsJson)
    {
        var directory = Directory.CreateTempSubdirectory("ecs-settings-").FullName;
        File.WriteAllText(Path.Combine(directory, "ecs-deploy.json"), settingsJson);
        return directory;
    }

    private static Func<string, string?> From(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Arguments_win_over_the_environment_which_wins_over_the_file()
    {
        var repository = RepositoryWith("""{ "cluster": "from-file", "service": "from-file", "container": "from-file", "verify-successes": 5 }""");

        var sources = EcsDeploySettingsSources.Create(
            From(("cluster", "from-argument")),
            From(("ECS_DEPLOY_CLUSTER", "from-env"), ("ECS_DEPLOY_SERVICE", "from-env")),
            repository);

        sources.Get("cluster").ShouldBe("from-argument");
        sources.Get("service").ShouldBe("from-env");
        sources.Get("container").ShouldBe("from-file");
        sources.Get("verify-successes").ShouldBe("5");
        sources.Get("image").ShouldBeNull();
        sources.SourceOf("cluster").ShouldBe("argument");
        sources.SourceOf("service").ShouldBe("environment (ECS_DEPLOY_SERVICE)");
        sources.SourceOf("container").ShouldBe("settings file");
        sources.SourceOf("image").ShouldBe("default");
        sources.FilePath.ShouldBe(Path.Combine(repository, "ecs-deploy.json"));
    }

    [Fact]
    public void The_values_feed_the_settings_reader()
    {
        var repository = RepositoryWith("""{ "cluster": "c", "service": "s", "verify-url": "https://api.example.com/health", "verify-successes": 4, "force": true }""");

        var settings = EcsDeploySettingsReader.Read(EcsDeploySettingsSources.Create(From(("image", "repo/api:1.0.0")), From(), repository).Get);

        settings.Cluster.ShouldBe("c");
        settings.Image.ShouldBe("repo/api:1.0.0");
        settings.Verification!.ConsecutiveSuccesses.ShouldBe(4);
        settings.Force.ShouldBeTrue();
    }

    [Fact]
    public void Without_a_file_only_arguments_and_environment_count()
    {
        var sources = EcsDeploySettingsSources.Create(From(), From(("ECS_DEPLOY_VERIFY_URL", "https://x.example.com/")), Directory.CreateTempSubdirectory().FullName);

        sources.FilePath.ShouldBeNull();
        sources.Get("verify-url").ShouldBe("https://x.example.com/");
    }

    [Fact]
    public void A_named_settings_file_that_does_not_exist_is_an_error() =>
        Should.Throw<EcsDeployInputException>(() => EcsDeploySettingsSources.Create(From(("settings-file", "nope.json")), From(), Path.GetTempPath()))
            .Message.ShouldContain("nope.json (--settings-file) does not exist");

    [Fact]
    public void The_settings_file_can_be_named_in_the_environment()
    {
        var repository = RepositoryWith("""{ "cluster": "named" }""");
        File.Move(Path.Combine(repository, "ecs-deploy.json"), Path.Combine(repository, "prod.json"));

        EcsDeploySettingsSources.Create(From(), From(("ECS_DEPLOY_SETTINGS_FILE", "prod.json")), repository).Get("cluster").ShouldBe("named");
    }
}
