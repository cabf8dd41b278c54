using System.Net;
using System.Text;
using Cake.EcsDeploy.Tests.Support;
using Cake.EcsDeploy.Verification;
using Shouldly;
using Xunit;

namespace Cake.EcsDeploy.Tests.Verification;

/// <summary>During a rollout old tasks still answer: with a version check, only answers from the new release count.</summary>
public class VersionCheckTests
{
    /// <summary>Answers 200 naming the scripted versions in turn (the last repeats), in a header and a JSON body.</summary>
    private sealed class RolloutHandler(params string[] versions) : HttpMessageHandler
    {
        private int _requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var version = versions[Math.Min(Interlocked.Increment(ref _requests) - 1, versions.Length - 1)];
            var response = new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"build":{"version":"{{version}}"},"status":"ok"}""", Encoding.UTF8, "application/json"),
            };
            response.Headers.Add("X-App-Version", version);
            return Task.FromResult(response);
        }
    }

    private static VerificationOptions Options(VersionCheck check) => new()
    {
        Url = new Uri("http://lb.test/health"),
        ConsecutiveSuccesses = 3,
        SuccessInterval = TimeSpan.FromMilliseconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(2),
        Deadline = TimeSpan.FromSeconds(5),
        Version = check,
    };

    public static TheoryData<VersionCheck> Checks => new()
    {
        new VersionCheck("X-App-Version", null, "1.1.0"),
        new VersionCheck(null, "build.version", "1.1.0"),
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Answers_from_the_old_version_do_not_count_and_reset_the_run_of_successes(VersionCheck check)
    {
        // Old and new tasks interleave, then only new ones answer.
        var handler = new RolloutHandler("1.0.0", "1.1.0", "1.1.0", "1.0.0", "1.1.0", "1.1.0", "1.1.0");

        var result = await new EndpointVerifier(new HttpClient(handler), new CapturingLog()).VerifyAsync(Options(check));

        result.Passed.ShouldBeTrue(result.Summary);
        result.Attempts.Select(a => a.Passed).ShouldBe([false, true, true, false, true, true, true]);
        result.Attempts.Where(a => !a.Passed).ShouldAllBe(a => a.Detail.Contains("answered by version 1.0.0") && a.Detail.Contains("expected 1.1.0"));
    }

    [Fact]
    public async Task Only_old_answers_never_pass_even_with_200()
    {
        var result = await new EndpointVerifier(new HttpClient(new RolloutHandler("1.0.0")), new CapturingLog())
            .VerifyAsync(Options(new VersionCheck("X-App-Version", null, "1.1.0")) with { Deadline = TimeSpan.FromMilliseconds(300) });

        result.Passed.ShouldBeFalse();
        result.Attempts.ShouldAllBe(a => a.Status == 200 && !a.Passed);
    }

    [Fact]
    public async Task A_missing_version_does_not_count()
    {
        var result = await new EndpointVerifier(new HttpClient(new RolloutHandler("1.1.0")), new CapturingLog())
            .VerifyAsync(Options(new VersionCheck(null, "build.missing", "1.1.0")) with { Deadline = TimeSpan.FromMilliseconds(300) });

        result.Passed.ShouldBeFalse();
        result.Attempts[0].Detail.ShouldContain("answered by version (none)");
    }

    [Theory]
    [InlineData("ghcr.io/acme/api:1.4.2", "1.4.2")]
    [InlineData("registry:5000/api:2.0@sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "2.0")]
    public void The_expected_version_defaults_to_the_image_tag(string image, string expected)
    {
        var options = Options(new VersionCheck("X-App-Version", null, null)).ForRelease(image);

        options.Version!.Expected.ShouldBe(expected);
    }

    [Fact]
    public void An_explicit_version_wins_over_the_tag() =>
        Options(new VersionCheck("X-App-Version", null, "build-77")).ForRelease("repo/api:1.4.2").Version!.Expected.ShouldBe("build-77");
}
