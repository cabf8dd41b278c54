using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LocalEcs.Faults;
using LocalEcs.Tests.Infrastructure;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

/// API faults on demand: throttling, 500s, dropped connections and latency, set through /_localecs/faults.
public sealed class FaultInjectionTests : FaultHost
{
    [Fact]
    public async Task Throttled_call_has_ecs_throttling_shape_then_calls_go_through()
    {
        await PutFaultsAsync("""{"throttle":{"next":1}}""");

        var (status, body, response) = await Ecs.SendAsync("ListClusters", []);
        status.ShouldBe(400);
        body["__type"]!.GetValue<string>().ShouldBe("ThrottlingException");
        body["message"]!.GetValue<string>().ShouldBe("Rate exceeded");
        response.Headers.GetValues("x-amzn-ErrorType").Single().ShouldBe("ThrottlingException");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-amz-json-1.1");

        (await Ecs.SendAsync("ListClusters", [])).Status.ShouldBe(200);
        var faults = await FaultStatsAsync();
        faults["throttled"]!.GetValue<long>().ShouldBe(1);
        faults["byOperation"]!["ListClusters"]!["throttled"]!.GetValue<long>().ShouldBe(1);
        (await StatsAsync())["apiCalls"]!["ListClusters"]!.GetValue<long>().ShouldBe(2, "faulted calls are API calls too");
    }

    [Fact]
    public async Task Aws_cli_sees_ThrottlingException()
    {
        await PutFaultsAsync("""{"throttle":{"rate":1}}""");
        Aws.Environment["AWS_MAX_ATTEMPTS"] = "1";

        var result = await Aws.RunAsync("list-clusters");

        result.ExitCode.ShouldNotBe(0);
        result.Stderr.ShouldContain("ThrottlingException");
        result.Stderr.ShouldContain("Rate exceeded");
        (await StatsAsync())["apiCalls"]!["ListClusters"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Aws_cli_retries_a_throttled_call_by_itself()
    {
        await PutFaultsAsync("""{"throttle":{"next":1}}""");

        var clusters = await Aws.JsonAsync("list-clusters");

        clusters["clusterArns"]!.AsArray().ShouldBeEmpty();
        (await StatsAsync())["apiCalls"]!["ListClusters"]!.GetValue<long>().ShouldBe(2);
        (await FaultStatsAsync())["throttled"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Next_n_calls_fail_then_calls_succeed()
    {
        await PutFaultsAsync("""{"serverError":{"next":2}}""");

        for (var i = 0; i < 2; i++)
        {
            var (status, body, response) = await Ecs.SendAsync("ListClusters", []);
            status.ShouldBe(500);
            body["__type"]!.GetValue<string>().ShouldBe("ServerException");
            body["message"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
            response.Headers.GetValues("x-amzn-ErrorType").Single().ShouldBe("ServerException");
            (await FaultsAsync())["serverError"]!["next"]!.GetValue<int>().ShouldBe(1 - i, "GET shows how many are left");
        }

        for (var i = 0; i < 3; i++)
        {
            (await Ecs.SendAsync("ListClusters", [])).Status.ShouldBe(200);
        }

        (await FaultStatsAsync())["serverErrors"]!.GetValue<long>().ShouldBe(2);
    }

    [Fact]
    public async Task Operation_filter_limits_faults_to_the_named_operations()
    {
        await PutFaultsAsync("""{"throttle":{"rate":1,"operations":["RegisterTaskDefinition"]}}""");

        (await Ecs.SendAsync("CreateCluster", new JsonObject { ["clusterName"] = "filter" })).Status.ShouldBe(200);
        (await Ecs.SendAsync("ListClusters", [])).Status.ShouldBe(200);
        for (var i = 0; i < 3; i++)
        {
            var register = await Ecs.SendAsync("RegisterTaskDefinition", LocalEcsFixture.TaskDefinitionInput("filter", "shop/api:v1"));
            register.Body["__type"]!.GetValue<string>().ShouldBe("ThrottlingException");
        }

        var faults = await FaultStatsAsync();
        faults["throttled"]!.GetValue<long>().ShouldBe(3);
        faults["byOperation"]!.AsObject().Select(p => p.Key).ShouldBe(["RegisterTaskDefinition"]);
    }

    [Fact]
    public async Task Rate_faults_follow_the_seed()
    {
        const string settings = """{"seed":7,"serverError":{"rate":0.5}}""";
        await PutFaultsAsync(settings);
        var first = await StatusesAsync(30);
        await PutFaultsAsync(settings);
        var second = await StatusesAsync(30);

        second.ShouldBe(first, "the same seed gives the same faults");
        first.ShouldContain(500);
        first.ShouldContain(200);

        await PutFaultsAsync("""{"seed":8,"serverError":{"rate":0.5}}""");
        (await StatusesAsync(30)).ShouldNotBe(first);
    }

    [Fact]
    public async Task Faulted_register_registers_nothing()
    {
        await PutFaultsAsync("""{"serverError":{"next":1},"throttle":{"next":1},"dropConnection":{"next":1}}""");
        var input = LocalEcsFixture.TaskDefinitionInput("nothing", "shop/api:v1");

        (await Ecs.SendAsync("RegisterTaskDefinition", input)).Body["__type"]!.GetValue<string>().ShouldBe("ThrottlingException");
        (await Ecs.SendAsync("RegisterTaskDefinition", input)).Body["__type"]!.GetValue<string>().ShouldBe("ServerException");
        await Should.ThrowAsync<HttpRequestException>(() => Ecs.SendAsync("RegisterTaskDefinition", input));
        (await Ecs.CallAsync("ListTaskDefinitions", []))["taskDefinitionArns"]!.AsArray().ShouldBeEmpty();

        var registered = await Ecs.CallAsync("RegisterTaskDefinition", input);
        registered["taskDefinition"]!["revision"]!.GetValue<int>().ShouldBe(1, "no revision was used up by the failed calls");
    }

    [Fact]
    public async Task Fail_after_applying_registers_and_then_answers_500()
    {
        await PutFaultsAsync("""{"serverError":{"next":1,"failAfterApplying":true,"operations":["RegisterTaskDefinition"]}}""");
        var input = LocalEcsFixture.TaskDefinitionInput("dup", "shop/api:v1");

        var (status, body, _) = await Ecs.SendAsync("RegisterTaskDefinition", input);
        status.ShouldBe(500);
        body["__type"]!.GetValue<string>().ShouldBe("ServerException");
        (await Ecs.CallAsync("ListTaskDefinitions", []))["taskDefinitionArns"]!.AsArray().Count.ShouldBe(1, "the call was applied");

        // A blind retry registers the same definition again: that is how duplicate revisions happen.
        var retry = await Ecs.CallAsync("RegisterTaskDefinition", input);
        retry["taskDefinition"]!["revision"]!.GetValue<int>().ShouldBe(2);
        var faults = await FaultStatsAsync();
        faults["serverErrors"]!.GetValue<long>().ShouldBe(1);
        faults["appliedThenFailed"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Dropped_connection_changes_nothing_unless_applied_first()
    {
        await PutFaultsAsync("""{"dropConnection":{"next":1}}""");
        await Should.ThrowAsync<HttpRequestException>(() => Ecs.SendAsync("CreateCluster", new JsonObject { ["clusterName"] = "dropped" }));
        (await Ecs.CallAsync("ListClusters", []))["clusterArns"]!.AsArray().ShouldBeEmpty();

        await PutFaultsAsync("""{"dropConnection":{"next":1,"failAfterApplying":true}}""");
        await Should.ThrowAsync<HttpRequestException>(() => Ecs.SendAsync("CreateCluster", new JsonObject { ["clusterName"] = "applied" }));
        var clusters = (await Ecs.CallAsync("ListClusters", []))["clusterArns"]!.AsArray();
        clusters.Select(c => c!.GetValue<string>()).ShouldBe(["arn:aws:ecs:us-east-1:000000000000:cluster/applied"]);

        var faults = await FaultStatsAsync();
        faults["droppedConnections"]!.GetValue<long>().ShouldBe(2);
        faults["appliedThenFailed"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Latency_delays_the_answer_on_the_clock()
    {
        await PutFaultsAsync("""{"latency":{"delayMs":5000,"operations":["ListClusters"]}}""");

        (await Ecs.SendAsync("DescribeClusters", [])).Status.ShouldBe(200, "other operations are not delayed");
        var pending = Ecs.SendAsync("ListClusters", []);
        var (status, _, _) = await ReleaseAfterAsync(pending, TimeSpan.FromSeconds(5));

        status.ShouldBe(200);
        var faults = await FaultStatsAsync();
        faults["delayedCalls"]!.GetValue<long>().ShouldBe(1);
        faults["addedLatencyMs"]!.GetValue<long>().ShouldBe(5000);
        faults["byOperation"]!["ListClusters"]!["addedLatencyMs"]!.GetValue<long>().ShouldBe(5000);
    }

    [Fact]
    public async Task Latency_for_the_next_call_only()
    {
        await PutFaultsAsync("""{"latency":{"delayMs":1000,"next":1}}""");
        (await FaultsAsync())["latency"]!["rate"]!.GetValue<double>().ShouldBe(0, "with next and no rate, only the next calls");

        var pending = Ecs.SendAsync("ListClusters", []);
        (await ReleaseAfterAsync(pending, TimeSpan.FromSeconds(1))).Status.ShouldBe(200);
        (await Ecs.SendAsync("ListClusters", []).WaitAsync(TimeSpan.FromSeconds(10))).Status.ShouldBe(200);
        (await FaultStatsAsync())["delayedCalls"]!.GetValue<long>().ShouldBe(1);
    }

    [Fact]
    public async Task Admin_get_put_delete_round_trip()
    {
        var initial = await FaultsAsync();
        initial["seed"]!.GetValue<int>().ShouldBe(ApiFaultSettings.DefaultSeed);
        initial["throttle"]!["rate"]!.GetValue<double>().ShouldBe(0);
        initial["throttle"]!["next"]!.GetValue<int>().ShouldBe(0);

        const string body = """
            {
              "seed": 42,
              "throttle": {"rate": 0.25, "next": 0, "operations": ["RegisterTaskDefinition"]},
              "serverError": {"rate": 0, "next": 3, "operations": [], "failAfterApplying": true},
              "dropConnection": {"rate": 0.1, "next": 0, "operations": ["UpdateService", "CreateService"], "failAfterApplying": false},
              "latency": {"delayMs": 250, "rate": 1, "next": 0, "operations": []}
            }
            """;
        var put = await PutFaultsAsync(body);
        var expected = JsonNode.Parse(body)!;
        JsonNode.DeepEquals(put, expected).ShouldBeTrue(put.ToJsonString());
        JsonNode.DeepEquals(await FaultsAsync(), expected).ShouldBeTrue();

        using var deleted = await Http.DeleteAsync("/_localecs/faults");
        deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.DeepEquals(await FaultsAsync(), initial).ShouldBeTrue("DELETE restores the start-up state (no faults)");
        (await Ecs.SendAsync("ListClusters", [])).Status.ShouldBe(200);
    }

    [Theory]
    [InlineData("""{"throtle":{"rate":1}}""", "throtle")]
    [InlineData("""{"throttle":{"rate":2}}""", "throttle.rate")]
    [InlineData("""{"throttle":{"next":-1}}""", "throttle.next")]
    [InlineData("""{"throttle":{"failAfterApplying":true}}""", "throttle.failAfterApplying")]
    [InlineData("""{"latency":{"delayMs":"5s"}}""", "latency.delayMs")]
    [InlineData("""{"serverError":{"operations":"UpdateService"}}""", "serverError.operations")]
    [InlineData("""[1]""", "object")]
    [InlineData("""{not json""", "Malformed")]
    public async Task Invalid_fault_settings_are_rejected_and_change_nothing(string body, string mentioned)
    {
        await PutFaultsAsync("""{"throttle":{"next":1}}""");

        using var response = await Http.PutAsync("/_localecs/faults", new StringContent(body, Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        error["message"]!.GetValue<string>().ShouldContain(mentioned);
        (await FaultsAsync())["throttle"]!["next"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task Admin_calls_are_never_faulted()
    {
        await PutFaultsAsync("""{"throttle":{"rate":1},"latency":{"delayMs":60000}}""");

        (await Http.GetStringAsync("/_localecs/health")).ShouldBe("ok");
        (await StatsAsync())["totalApiCalls"]!.GetValue<long>().ShouldBe(0);
        using var reset = await Http.PostAsync("/_localecs/reset", null);
        reset.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await FaultsAsync())["throttle"]!["rate"]!.GetValue<double>().ShouldBe(1, "reset clears state and stats, not faults");
        using var deleted = await Http.DeleteAsync("/_localecs/faults");
        deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public void Fault_options_come_from_the_command_line()
    {
        var options = LocalEcsOptions.FromArgs([
            "--fault-seed", "9",
            "--throttle-rate", "0.2", "--throttle-operations", "RegisterTaskDefinition, UpdateService",
            "--server-error-next", "2", "--server-error-fail-after-applying", "true",
            "--drop-connection-rate=0.05",
            "--latency", "300ms", "--latency-operations", "DescribeServices",
        ]);

        var faults = options.Faults;
        faults.Seed.ShouldBe(9);
        faults.Throttle.Rate.ShouldBe(0.2);
        faults.Throttle.Operations.ShouldBe(["RegisterTaskDefinition", "UpdateService"]);
        faults.ServerError.Next.ShouldBe(2);
        faults.ServerError.FailAfterApplying.ShouldBeTrue();
        faults.DropConnection.Rate.ShouldBe(0.05);
        faults.DropConnection.FailAfterApplying.ShouldBeFalse();
        faults.Latency.Delay.ShouldBe(TimeSpan.FromMilliseconds(300));
        faults.Latency.Rate.ShouldBe(1);
        faults.Latency.Operations.ShouldBe(["DescribeServices"]);

        LocalEcsOptions.FromArgs(["--latency", "1s", "--latency-next", "3"]).Faults.Latency.Rate.ShouldBe(0);
        LocalEcsOptions.FromArgs([]).Faults.ShouldBe(ApiFaultSettings.None);
        Should.Throw<FormatException>(() => LocalEcsOptions.FromArgs(["--throttle-rate", "1.5"]));
        Should.Throw<FormatException>(() => LocalEcsOptions.FromArgs(["--server-error-next", "many"]));
        Should.Throw<FormatException>(() => LocalEcsOptions.FromArgs(["--drop-connection-fail-after-applying", "yes"]));
    }

    private async Task<List<int>> StatusesAsync(int count)
    {
        var statuses = new List<int>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add((await Ecs.SendAsync("ListClusters", [])).Status);
        }

        return statuses;
    }
}

/// Faults given at start-up, as the command line or LOCALECS_* environment would.
public sealed class FaultStartupOptionsTests : FaultHost
{
    protected override LocalEcsOptions Options => base.Options with
    {
        Faults = new ApiFaultSettings { Throttle = new FaultRule { Next = 1, Operations = ["ListClusters"] } },
    };

    [Fact]
    public async Task Start_up_faults_apply_until_cleared()
    {
        (await Ecs.SendAsync("DescribeClusters", [])).Status.ShouldBe(200);
        (await Ecs.SendAsync("ListClusters", [])).Body["__type"]!.GetValue<string>().ShouldBe("ThrottlingException");
        (await Ecs.SendAsync("ListClusters", [])).Status.ShouldBe(200);
    }
}
