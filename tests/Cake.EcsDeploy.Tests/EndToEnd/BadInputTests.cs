using System.Collections.Concurrent;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;
using static Cake.EcsDeploy.Tests.Support.DeployArguments;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>
/// Every bad input of the README's table: each fails with a message that names the input, ends with the
/// invalid-input outcome (exit code 2) in report.json, and changes nothing in ECS: the AWS CLI finds no new
/// revision and the service on its revision.
/// </summary>
public class BadInputTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>
{
    private const string Cluster = "bad-input";
    private static readonly ConcurrentDictionary<string, Task<string>> Seeded = new();

    // One service shared by the cases that need an ordinary one: none of them may change it, which each checks.
    private Task<string> SeedAsync(string service, string? extraContainers = null) =>
        Seeded.GetOrAdd(localEcs.Url + "/" + service, _ => localEcs.Cli.SeedServiceAsync(Cluster, service, "repo/api:1.0.0", desiredCount: 1, extraContainers: extraContainers));

    private const string Sidecar = """{ "name": "envoy", "image": "envoyproxy/envoy:v1.30.1", "essential": false }""";

    public static TheoryData<string, string, string?, string> Inputs => new()
    {
        // case, argument, value (null: left out), what the error must say
        { "missing-cluster", "cluster", null, "Missing argument --cluster=<name>" },
        { "malformed-cluster", "cluster", "my cluster!", "--cluster=my cluster!: expected a name" },
        { "unknown-cluster", "cluster", "no-such-cluster", "Check --cluster and --service" },
        { "missing-service", "service", null, "Missing argument --service=<name>" },
        { "unknown-service", "service", "no-such-service", "Check --cluster and --service" },
        { "missing-image", "image", null, "Missing argument --image=<reference>" },
        { "empty-image", "image", " ", "Missing argument --image=<reference>" },
        { "malformed-image", "image", "Repo/API::1", "is not a valid image reference" },
        { "unknown-container", "container", "web", "no container named 'web'" },
        { "missing-verify-url", "verify-url", null, "Missing argument --verify-url=<url>" },
        { "invalid-verify-url", "verify-url", "leo", "--verify-url=leo: expected an absolute http:// or https:// URL" },
        { "ftp-verify-url", "verify-url", "ftp://example.com/health", "--verify-url=ftp://example.com/health" },
        { "verify-url-with-password", "verify-url", "https://deployer:hunter2@api.example.com/health", "a user name or password in the URL would end up in logs" },
        { "malformed-duration", "stability-timeout", "forever", "--stability-timeout=forever: expected a duration" },
        { "malformed-count", "verify-successes", "0", "--verify-successes=0: expected a positive whole number" },
        { "malformed-status", "verify-status", "2xx", "--verify-status=2xx" },
        { "version-without-source", "verify-version", "1.1.0", "also say where the version is" },
        { "malformed-endpoint", "ecs-endpoint", "localhost:4566", "--ecs-endpoint=localhost:4566" },
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public async Task Bad_input_fails_with_a_clear_message_and_changes_nothing_in_ECS(string name, string argument, string? value, string expected)
    {
        var original = await SeedAsync("shared");
        var artifacts = NewArtifacts();
        var arguments = For(localEcs.Url, Cluster, "shared", "repo/api:2.0.0", artifacts);
        if (value is null)
        {
            arguments.Remove(argument);
        }
        else
        {
            arguments[argument] = value;
        }

        var run = await CakeHost.RunTargetAsync("Deploy", arguments);

        await AssertInvalidInputAsync(run, artifacts, "shared", original, expected, name);
    }

    [Fact]
    public async Task Several_containers_without_container_is_refused()
    {
        var original = await SeedAsync("two-containers", Sidecar);
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "two-containers", "repo/api:2.0.0", artifacts));

        await AssertInvalidInputAsync(run, artifacts, "two-containers", original, "has 2 containers (api-go, envoy); pass --container=<name>", "several containers");
    }

    [Fact]
    public async Task An_inactive_service_is_refused()
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, "deleted", "repo/api:1.0.0", desiredCount: 0);
        await localEcs.Cli.JsonAsync("ecs", "delete-service", "--cluster", Cluster, "--service", "deleted", "--force");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "deleted", "repo/api:2.0.0", artifacts));

        run.ExitCode.ShouldBe(2, run.Log);
        run.ErrorMessage.ShouldContain("is INACTIVE, not ACTIVE");
        (await localEcs.Cli.RevisionCountAsync("deleted")).ShouldBe(1);
        ((string?)Report(artifacts)["outcome"]).ShouldBe("invalid-input");
        original.ShouldEndWith("deleted:1");
    }

    [Fact]
    public async Task An_untagged_image_with_a_version_check_needs_an_explicit_version()
    {
        var original = await SeedAsync("shared");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "shared", "repo/api@sha256:" + new string('a', 64), artifacts,
            ("verify-version-header", "X-App-Version")));

        await AssertInvalidInputAsync(run, artifacts, "shared", original, "has no tag: pass --verify-version=<version>", "untagged image");
    }

    [Theory]
    [InlineData("""{ "cluster": "bad-input", "servce": "shared" }""", "unknown setting \"servce\"")]
    [InlineData("""{ "cluster": "bad-input", """, "is not valid JSON")]
    [InlineData("""{ "verify-successes": [3] }""", "\"verify-successes\" must be a string, number or true/false")]
    public async Task A_bad_settings_file_is_refused(string content, string expected)
    {
        var original = await SeedAsync("shared");
        var artifacts = NewArtifacts();
        var file = Path.Combine(artifacts, "ecs-deploy.json");
        await File.WriteAllTextAsync(file, content);

        var run = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "shared", "repo/api:2.0.0", artifacts, ("settings-file", file)));

        await AssertInvalidInputAsync(run, artifacts, "shared", original, expected, "settings file");
    }

    [Fact]
    public async Task An_unreachable_ECS_endpoint_fails_before_anything_changes()
    {
        var original = await SeedAsync("shared");
        var artifacts = NewArtifacts();

        var run = await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, "shared", "repo/api:2.0.0", artifacts, ("ecs-endpoint", "http://127.0.0.1:9")));

        run.ExitCode.ShouldBe(1, run.Log);
        run.ErrorMessage.ShouldContain("could not reach ECS at http://127.0.0.1:9");
        run.ErrorMessage.ShouldContain("nothing needs restoring");
        ((string?)Report(artifacts)["outcome"]).ShouldBe("error");
        (await localEcs.Cli.RevisionCountAsync("shared")).ShouldBe(1);
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "shared")).ShouldBe(original);
    }

    private async Task AssertInvalidInputAsync(CakeHost.Run run, string artifacts, string service, string original, string expected, string because)
    {
        run.Succeeded.ShouldBeFalse(because);
        run.ErrorMessage.ShouldContain(expected, Case.Sensitive, because);
        run.ExitCode.ShouldBe(2, $"{because}: 2 is invalid input\n{run.Log}");
        run.Log.ShouldNotContain("Registered ");
        var report = Report(artifacts);
        ((string?)report["outcome"]).ShouldBe("invalid-input", because);
        ((string?)report["message"] ?? "").ShouldContain(expected, Case.Sensitive, because);
        (await localEcs.Cli.RevisionCountAsync(service)).ShouldBe(1, $"{because}: no revision may be registered");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, service)).ShouldBe(original, because);
    }
}
