using System.Runtime.CompilerServices;

namespace Cake.EcsDeploy.Tests.Support;

/// <summary>
/// When the tests themselves run inside GitHub Actions, every test deploy would append to the real job summary and
/// step outputs. Forget those variables for the whole test process (and the builds it starts); the GitHub Actions
/// tests set their own, pointing at temporary files.
/// </summary>
internal static class NoRealGitHubActions
{
    [ModuleInitializer]
    internal static void Forget()
    {
        foreach (var name in new[] { "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }
}
