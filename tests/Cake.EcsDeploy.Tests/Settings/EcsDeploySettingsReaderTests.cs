using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Settings;

public class EcsDeploySettingsReaderTests
{
    private static EcsDeploySettings Read(params (string Name, string Value)[] arguments)
    {
        var map = arguments.ToDictionary(a => a.Name, a => a.Value);
        return EcsDeploySettingsReader.Read(name => map.GetValueOrDefault(name));
    }

    [Fact]
    public void Reads_every_knob()
    {
        var settings = Read(("cluster", "prod"), ("service", "api"), ("image", "repo/api:2"), ("container", "web"),
            ("verify-url", "https://api.example.com/health"), ("verify-status", "200,204"), ("verify-successes", "5"),
            ("verify-timeout", "2s"), ("verify-deadline", "3m"), ("verify-interval", "500ms"), ("stability-timeout", "15m"),
            ("poll-interval", "1s"), ("artifacts", "out/deploy"), ("region", "eu-west-1"), ("ecs-endpoint", "http://127.0.0.1:4566"), ("force", ""));

        settings.Cluster.ShouldBe("prod");
        settings.Container.ShouldBe("web");
        settings.Verification!.ExpectedStatus.Contains(204).ShouldBeTrue();
        settings.Verification.ExpectedStatus.Contains(201).ShouldBeFalse();
        settings.Verification.ConsecutiveSuccesses.ShouldBe(5);
        settings.Verification.AttemptTimeout.ShouldBe(TimeSpan.FromSeconds(2));
        settings.Verification.Deadline.ShouldBe(TimeSpan.FromMinutes(3));
        settings.Verification.SuccessInterval.ShouldBe(TimeSpan.FromMilliseconds(500));
        settings.Wait.Timeout.ShouldBe(TimeSpan.FromMinutes(15));
        settings.Wait.MinPollInterval.ShouldBe(TimeSpan.FromSeconds(1));
        settings.ArtifactsDirectory.ShouldBe("out/deploy");
        settings.EcsEndpoint.ShouldBe(new Uri("http://127.0.0.1:4566"));
        settings.Force.ShouldBeTrue();
    }

    [Fact]
    public void Defaults_suit_a_load_balancer()
    {
        var settings = Read(("verify-url", "http://lb/leo"));
        settings.Verification!.ConsecutiveSuccesses.ShouldBe(3);
        settings.Verification.ExpectedStatus.ToString().ShouldBe("200-299");
        settings.ArtifactsDirectory.ShouldBe(Path.Combine("artifacts", "ecs-deploy"));
        settings.Force.ShouldBeFalse();
    }

    [Fact]
    public void Every_malformed_argument_is_reported_at_once_with_its_name()
    {
        var error = Should.Throw<EcsDeployInputException>(() => Read(
            ("verify-url", "not a url"), ("verify-successes", "0"), ("stability-timeout", "soon"), ("verify-status", "2xx"), ("cluster", "bad name!")));

        error.Message.ShouldContain("--verify-url=not a url");
        error.Message.ShouldContain("--verify-successes=0");
        error.Message.ShouldContain("--stability-timeout=soon");
        error.Message.ShouldContain("--verify-status=2xx");
        error.Message.ShouldContain("--cluster=bad name!");
        error.Message.ShouldContain("nothing was changed in ECS");
    }

    [Fact]
    public void Missing_required_arguments_name_the_argument()
    {
        var settings = Read();
        Should.Throw<EcsDeployInputException>(() => settings.RequireCluster()).Message.ShouldContain("--cluster=<name>");
        Should.Throw<EcsDeployInputException>(() => settings.RequireImage()).Message.ShouldContain("--image=");
        Should.Throw<EcsDeployInputException>(() => settings.RequireVerification()).Message.ShouldContain("--verify-url=");
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("45", 45)]
    [InlineData("00:02:00", 120)]
    public void Durations_read_as_people_write_them(string text, double seconds) =>
        DurationParser.Parse(text).ShouldBe(TimeSpan.FromSeconds(seconds));
}
