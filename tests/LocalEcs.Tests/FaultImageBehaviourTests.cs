using System.Net;
using System.Text.Json.Nodes;
using LocalEcs.Model;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

/// Per-image behaviours from the image tag (README "Image behaviours"), seen through the load balancer.
public sealed class FaultImageBehaviourTests : FaultHost
{
    [Theory]
    [InlineData("shop/api:v1", 200, 0, 0, null)]
    [InlineData("shop/api:status-502", 502, 0, 0, null)]
    [InlineData("shop/api:1.2.0-slow-500", 200, 500, 0, null)]
    [InlineData("shop/api:SlowStart-3000", 200, 0, 3000, null)]
    [InlineData("shop/api:flap-5", 200, 0, 0, 5)]
    [InlineData("registry.local:5000/shop/api:2.0-status-503-slow-20-flap-0", 503, 20, 0, 0)]
    [InlineData("registry.local:5000/slow-500/api", 200, 0, 0, null)]
    [InlineData("shop/api:slow-fast-status-99-status-abc-flap-", 200, 0, 0, null)]
    [InlineData("shop/api:slow-250@sha256:0123abcd", 200, 250, 0, null)]
    public void Tag_grammar(string image, int status, int slowMs, int slowStartMs, int? flap)
    {
        var behaviour = ImageBehaviours.Of([image]);

        behaviour.Status.ShouldBe(status);
        behaviour.SlowResponse.ShouldBe(TimeSpan.FromMilliseconds(slowMs));
        behaviour.SlowStart.ShouldBe(TimeSpan.FromMilliseconds(slowStartMs));
        behaviour.FlapAfter.ShouldBe(flap);
        behaviour.Crash.ShouldBeFalse();
        behaviour.Unhealthy.ShouldBeFalse();
    }

    [Fact]
    public void Crash_and_unhealthy_stay_substrings_and_the_first_container_wins_a_keyword()
    {
        ImageBehaviours.Of(["shop/crash-loop:1"]).Crash.ShouldBeTrue();
        ImageBehaviours.Of(["shop/api:unhealthy-slow-100"]).ShouldBe(new ImageBehaviour { Unhealthy = true, SlowResponse = TimeSpan.FromMilliseconds(100) });
        ImageBehaviours.Of(["a:status-502", "b:status-504-slow-7"]).ShouldBe(new ImageBehaviour { Status = 502, SlowResponse = TimeSpan.FromMilliseconds(7) });
    }

    [Fact]
    public async Task Status_image_answers_that_status_through_the_load_balancer()
    {
        var td = await RunningServiceAsync("status", "shop/api:1.4-status-502", desired: 2);

        for (var i = 0; i < 4; i++)
        {
            using var response = await Http.GetAsync("/lb/status/api/orders");
            response.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
            response.Headers.GetValues("X-LocalEcs-Task-Definition").Single().ShouldBe(td);
            JsonNode.Parse(await response.Content.ReadAsStringAsync())!["path"]!.GetValue<string>().ShouldBe("/orders");
        }
    }

    [Fact]
    public async Task Flap_image_is_healthy_for_n_requests_per_task_then_503()
    {
        await RunningServiceAsync("flap", "shop/api:flap-3", desired: 2);

        // Round robin over two tasks: each task serves 3 healthy requests, so 6 in all.
        var perTask = new Dictionary<string, List<HttpStatusCode>>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await Http.GetAsync("/lb/flap/api/");
            var task = response.Headers.GetValues("X-LocalEcs-Task-Arn").Single();
            perTask.TryAdd(task, []);
            perTask[task].Add(response.StatusCode);
        }

        perTask.Count.ShouldBe(2);
        foreach (var statuses in perTask.Values)
        {
            statuses.ShouldBe([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable]);
        }
    }

    [Fact]
    public async Task Slowstart_image_reaches_running_later_on_the_clock()
    {
        await CreateServiceAsync("slowstart", "shop/api:v1-slowstart-3000");

        Step(StartDelay);
        Tasks("slowstart").Single().LastStatus.ShouldBe("PENDING", "a normal task would be RUNNING now");
        using (var early = await Http.GetAsync("/lb/slowstart/api/"))
        {
            early.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await early.Content.ReadAsStringAsync()).ShouldContain("no healthy targets");
        }

        Step(TimeSpan.FromMilliseconds(2999));
        Tasks("slowstart").Single().LastStatus.ShouldBe("PENDING");
        Step(TimeSpan.FromMilliseconds(1));
        var task = Tasks("slowstart").Single();
        task.LastStatus.ShouldBe("RUNNING");
        task.StartedAt.ShouldBe(task.CreatedAt + StartDelay + TimeSpan.FromSeconds(3));

        using var response = await Http.GetAsync("/lb/slowstart/api/");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Normal_image_reaches_running_at_the_start_delay()
    {
        await CreateServiceAsync("normal", "shop/api:v1");

        Step(StartDelay);

        Tasks("normal").Single().LastStatus.ShouldBe("RUNNING");
    }

    [Fact]
    public async Task Slowstart_crash_image_crashes_later()
    {
        await CreateServiceAsync("slowcrash", "shop/crash:slowstart-1000");

        Step(StartDelay);
        Tasks("slowcrash").Single().LastStatus.ShouldBe("PENDING");
        Step(TimeSpan.FromSeconds(1));
        var crashed = Tasks("slowcrash").First();
        crashed.LastStatus.ShouldBe("STOPPED");
        crashed.StopCode.ShouldBe("EssentialContainerExited");
    }

    [Fact]
    public async Task Slow_image_answers_after_its_delay_on_the_clock()
    {
        await RunningServiceAsync("slow", "shop/api:1.2.0-slow-2000");

        var pending = Http.GetAsync("/lb/slow/api/");
        using var response = await ReleaseAfterAsync(pending, TimeSpan.FromSeconds(2));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("X-LocalEcs-Image").Single().ShouldBe("shop/api:1.2.0-slow-2000");
    }

    [Fact]
    public async Task Combined_tag_is_slow_and_fails_with_its_status()
    {
        await RunningServiceAsync("combo", "shop/api:2.0-status-504-slow-500");

        var pending = Http.GetAsync("/lb/combo/api/");
        using var response = await ReleaseAfterAsync(pending, TimeSpan.FromMilliseconds(500));

        response.StatusCode.ShouldBe(HttpStatusCode.GatewayTimeout);
    }
}
