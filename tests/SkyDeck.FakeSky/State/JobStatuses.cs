namespace SkyDeck.FakeSky.State;

/// <summary>SkyPilot's cluster-job statuses (<c>sky.skylet.job_lib.JobStatus</c>) and what they imply.</summary>
public static class JobStatuses
{
    public const string Init = "INIT";
    public const string Pending = "PENDING";
    public const string SettingUp = "SETTING_UP";
    public const string Running = "RUNNING";
    public const string FailedDriver = "FAILED_DRIVER";
    public const string Succeeded = "SUCCEEDED";
    public const string Failed = "FAILED";
    public const string FailedSetup = "FAILED_SETUP";
    public const string Cancelled = "CANCELLED";

    /// <summary><c>sky logs --status</c> and attached launches exit with these (<c>exceptions.JobExitCode</c>).</summary>
    public const int ExitSucceeded = 0;
    public const int ExitFailed = 100;
    public const int ExitNotFinished = 101;
    public const int ExitNotFound = 102;
    public const int ExitCancelled = 103;

    public static IReadOnlyList<string> All { get; } =
        [Init, Pending, SettingUp, Running, FailedDriver, Succeeded, Failed, FailedSetup, Cancelled];

    public static bool IsTerminal(string status) =>
        status is Succeeded or Failed or FailedSetup or FailedDriver or Cancelled;

    public static bool IsFailure(string status) => status is Failed or FailedSetup or FailedDriver;

    /// <summary><c>JobExitCode.from_job_status</c>; null means the job was not found.</summary>
    public static int ExitCode(string? status) => status switch
    {
        null => ExitNotFound,
        Succeeded => ExitSucceeded,
        Cancelled => ExitCancelled,
        _ when IsFailure(status) => ExitFailed,
        _ => ExitNotFinished,
    };
}
