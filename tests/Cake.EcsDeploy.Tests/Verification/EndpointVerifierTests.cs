using System.Net;
using Cake.EcsDeploy.Tests.Support;
using Cake.EcsDeploy.Verification;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Verification;

public class EndpointVerifierTests
{
    /// <summary>Answers with the scripted statuses in turn (the last one repeats); null means the connection drops.</summary>
    private sealed class ScriptedHandler(params HttpStatusCode?[] script) : HttpMessageHandler
    {
        public int Requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var status = script[Math.Min(Interlocked.Increment(ref Requests) - 1, script.Length - 1)];
            return status is null
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException("connection refused"))
                : Task.FromResult(new HttpResponseMessage(status.Value));
        }
    }

    private static VerificationOptions Fast(int successes = 3, TimeSpan? deadline = null) => new()
    {
        Url = new Uri("http://lb.test/leo"),
        ConsecutiveSuccesses = successes,
        SuccessInterval = TimeSpan.FromMilliseconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        Deadline = deadline ?? TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Passes_after_the_required_consecutive_successes_following_early_failures()
    {
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, null, HttpStatusCode.OK);
        var result = await new EndpointVerifier(new HttpClient(handler), new CapturingLog()).VerifyAsync(Fast());

        result.Passed.ShouldBeTrue();
        result.Attempts.Count.ShouldBe(5);
        result.Attempts.TakeLast(3).ShouldAllBe(a => a.Passed);
    }

    [Fact]
    public async Task A_flapping_endpoint_does_not_pass_on_a_single_success()
    {
        var handler = new ScriptedHandler(HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK);
        var result = await new EndpointVerifier(new HttpClient(handler), new CapturingLog()).VerifyAsync(Fast());

        result.Passed.ShouldBeTrue();
        result.Attempts.Count.ShouldBe(8, "only the last three in a row count");
    }

    [Fact]
    public async Task Fails_at_the_deadline_and_says_why()
    {
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable);
        var log = new CapturingLog();
        var result = await new EndpointVerifier(new HttpClient(handler), log).VerifyAsync(Fast(deadline: TimeSpan.FromMilliseconds(300)));

        result.Passed.ShouldBeFalse();
        result.Summary.ShouldContain("did not answer 3 times in a row");
        result.Attempts.ShouldNotBeEmpty();
        result.Attempts.ShouldAllBe(a => a.Status == 503);
        log.Text.ShouldContain("-> 503");
    }

    [Fact]
    public async Task With_verify_failures_it_fails_as_soon_as_that_many_requests_in_a_row_failed()
    {
        // Two failures, a success (the count restarts), then failures: the third in a row ends it, long before the deadline.
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.BadGateway);
        var options = Fast(deadline: TimeSpan.FromMinutes(5)) with { FailAfterConsecutiveFailures = 3 };

        var result = await new EndpointVerifier(new HttpClient(handler), new CapturingLog()).VerifyAsync(options);

        result.Passed.ShouldBeFalse();
        result.Attempts.Select(a => a.Status).ShouldBe([503, 503, 200, 502, 502, 502]);
        result.Summary.ShouldContain("failed 3 times in a row (--verify-failures=3");
    }

    [Fact]
    public async Task Expected_status_codes_are_configurable()
    {
        var handler = new ScriptedHandler(HttpStatusCode.NoContent);
        var options = Fast(successes: 2) with { ExpectedStatus = StatusCodeSet.Parse("204") };
        (await new EndpointVerifier(new HttpClient(handler), new CapturingLog()).VerifyAsync(options)).Passed.ShouldBeTrue();

        var strict = Fast(successes: 2, deadline: TimeSpan.FromMilliseconds(200)) with { ExpectedStatus = StatusCodeSet.Parse("200") };
        (await new EndpointVerifier(new HttpClient(new ScriptedHandler(HttpStatusCode.NoContent)), new CapturingLog()).VerifyAsync(strict)).Passed.ShouldBeFalse();
    }

    [Fact]
    public async Task A_hanging_request_is_cut_by_the_attempt_timeout_and_retried()
    {
        var calls = 0;
        var handler = new DelegatingStub(async ct =>
        {
            if (Interlocked.Increment(ref calls) == 1) await Task.Delay(Timeout.Infinite, ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var options = Fast(successes: 1) with { AttemptTimeout = TimeSpan.FromMilliseconds(100) };
        var result = await new EndpointVerifier(new HttpClient(handler), new CapturingLog()).VerifyAsync(options);

        result.Passed.ShouldBeTrue();
        result.Attempts[0].Detail.ShouldContain("no answer within");
    }

    private sealed class DelegatingStub(Func<CancellationToken, Task<HttpResponseMessage>> send) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => send(cancellationToken);
    }
}
