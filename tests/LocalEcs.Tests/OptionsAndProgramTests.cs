using System.Diagnostics;
using System.Text.RegularExpressions;
using Shouldly;
using Xunit;

namespace LocalEcs.Tests;

public sealed class OptionsAndProgramTests
{
    [Theory]
    [InlineData("00:00:00.200", 200)]
    [InlineData("200ms", 200)]
    [InlineData("2s", 2000)]
    [InlineData("1.5", 1500)]
    [InlineData("1m", 60000)]
    public void Durations_parse(string text, int milliseconds) =>
        LocalEcsOptions.ParseDuration(text).ShouldBe(TimeSpan.FromMilliseconds(milliseconds));

    [Fact]
    public void Options_come_from_the_command_line()
    {
        var options = LocalEcsOptions.FromArgs(["--port", "4566", "--task-start-delay", "150ms", "--task-stop-delay=00:00:00.100", "--tick", "20ms"]);

        options.Port.ShouldBe(4566);
        options.TaskStartDelay.ShouldBe(TimeSpan.FromMilliseconds(150));
        options.TaskStopDelay.ShouldBe(TimeSpan.FromMilliseconds(100));
        options.Tick.ShouldBe(TimeSpan.FromMilliseconds(20));
        LocalEcsOptions.FromArgs([]).TaskStartDelay.ShouldBe(TimeSpan.FromSeconds(2));
        Should.Throw<FormatException>(() => LocalEcsOptions.FromArgs(["--tick", "soon"]));
    }

    [Fact]
    public async Task Executable_prints_exactly_its_listening_line()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "LocalEcs.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--port", "0", "--tick", "50ms"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var match = Regex.Match(line ?? "", @"^LocalEcs listening on (http://127\.0\.0\.1:(\d+))$");
            match.Success.ShouldBeTrue($"unexpected first line: {line}");
            match.Groups[2].Value.ShouldNotBe("0");

            using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value) };
            (await http.GetStringAsync("/_localecs/health")).ShouldBe("ok");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        (await process.StandardOutput.ReadToEndAsync()).ShouldBeEmpty("nothing but the listening line goes to stdout");
    }
}
