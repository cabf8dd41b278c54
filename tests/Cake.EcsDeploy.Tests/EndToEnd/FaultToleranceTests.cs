using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Cake.EcsDeploy.Tests.Support;
using Shouldly;
using Xunit;
using static Cake.EcsDeploy.Tests.Support.DeployArguments;

namespace Cake.EcsDeploy.Tests.EndToEnd;

/// <summary>
/// ECS misbehaving (LocalEcs's faults on demand): throttling, 5xx and dropped connections are retried with backoff
/// and jitter, and RegisterTaskDefinition, which is not idempotent, never registers twice and never loses the step,
/// even when ECS applied the call but the answer was lost.
/// </summary>
public sealed class FaultToleranceTests(LocalEcsServer localEcs) : IClassFixture<LocalEcsServer>, IAsyncLifetime
{
    private const string Cluster = "faults";
    private readonly HttpClient _admin = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _admin.DeleteAsync($"{localEcs.Url}/_localecs/faults");
        _admin.Dispose();
    }

    private async Task SetFaultsAsync(string json)
    {
        using var response = await _admin.PutAsync($"{localEcs.Url}/_localecs/faults", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private async Task<JsonNode> FaultStatsAsync() => (await _admin.GetFromJsonAsync<JsonNode>($"{localEcs.Url}/_localecs/stats"))!["faults"]!;

    private JsonNode? _statsBefore;

    // The fault counters hit by the last deploy (the fixture's LocalEcs serves every test of the class).
    private async Task<int> FaultsHitAsync(string counter) =>
        (int)(await FaultStatsAsync())[counter]! - (int)_statsBefore![counter]!;

    private async Task<(CakeHost.Run Run, string Original)> DeployAsync(string service, string faults)
    {
        var original = await localEcs.Cli.SeedServiceAsync(Cluster, service, "repo/api:1.0.0");
        _statsBefore = await FaultStatsAsync();
        await SetFaultsAsync(faults);
        try
        {
            return (await CakeHost.RunTargetAsync("Deploy", For(localEcs.Url, Cluster, service, "repo/api:1.1.0", NewArtifacts())), original);
        }
        finally
        {
            await _admin.DeleteAsync($"{localEcs.Url}/_localecs/faults");
        }
    }

    [Fact]
    public async Task Throttling_server_errors_and_dropped_connections_are_retried_and_the_deploy_succeeds_with_one_new_revision()
    {
        var (run, original) = await DeployAsync("stormy", """
            {
              "seed": 3,
              "throttle": { "rate": 0.25 },
              "serverError": { "next": 3, "operations": ["DescribeServices", "UpdateService"] },
              "dropConnection": { "next": 2, "operations": ["DescribeTaskDefinition"] }
            }
            """);

        run.Succeeded.ShouldBeTrue(run.Log);
        (await FaultsHitAsync("throttled")).ShouldBeGreaterThan(0);
        (await FaultsHitAsync("serverErrors")).ShouldBe(3);
        (await FaultsHitAsync("droppedConnections")).ShouldBe(2);
        run.Log.ShouldContain("ThrottlingException");
        run.Log.ShouldContain("retry 1 of 6");
        (await localEcs.Cli.RevisionCountAsync("stormy")).ShouldBe(2, "exactly one new revision");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, "stormy")).ShouldNotBe(original);
    }

    [Theory]
    [InlineData("serverError")]
    [InlineData("dropConnection")]
    public async Task A_registration_that_ECS_applied_but_whose_answer_was_lost_is_used_not_repeated(string fault)
    {
        var service = "lost-answer-" + fault.ToLowerInvariant();
        var (run, _) = await DeployAsync(service, $$"""{ "{{fault}}": { "next": 1, "failAfterApplying": true, "operations": ["RegisterTaskDefinition"] } }""");

        run.Succeeded.ShouldBeTrue(run.Log);
        run.Log.ShouldContain("ECS had registered it");
        (await FaultsHitAsync("appliedThenFailed")).ShouldBe(1);
        (await localEcs.Cli.RevisionCountAsync(service)).ShouldBe(2, "no duplicate registration");
        (await localEcs.Cli.ServiceTaskDefinitionAsync(Cluster, service)).ShouldEndWith(service + ":2");
    }

    [Fact]
    public async Task A_registration_that_failed_before_ECS_applied_it_is_made_again_once()
    {
        var (run, _) = await DeployAsync("not-applied", """{ "serverError": { "next": 1, "operations": ["RegisterTaskDefinition"] } }""");

        run.Succeeded.ShouldBeTrue(run.Log);
        run.Log.ShouldContain("ECS had not registered it");
        (await localEcs.Cli.RevisionCountAsync("not-applied")).ShouldBe(2, "registered exactly once");
    }
}
