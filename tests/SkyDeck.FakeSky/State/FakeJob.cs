namespace SkyDeck.FakeSky.State;

/// <summary>One job in a cluster's job queue, plus the script that drives its status.</summary>
public sealed class FakeJob
{
    public int JobId { get; set; }

    public string JobName { get; set; } = "";

    /// <summary>Usually one of <see cref="JobStatuses"/>; any upper-case word is allowed so tests can feed unknown values.</summary>
    public string Status { get; set; } = JobStatuses.Pending;

    /// <summary>The statuses this job walks through, one step per <c>sky queue</c> that reports it.</summary>
    public List<string> Script { get; set; } = [];

    /// <summary>Index into <see cref="Script"/> of the current status.</summary>
    public int ScriptStep { get; set; }

    public double SubmittedAt { get; set; }

    public double? StartAt { get; set; }

    public double? EndAt { get; set; }

    /// <summary><c>1x[A100:4]</c></summary>
    public string Resources { get; set; } = "";

    /// <summary>The remote command exactly as received (entrypoint tokens joined by single spaces).</summary>
    public string Command { get; set; } = "";

    public string LogPath { get; set; } = "";

    /// <summary>The per-node return codes of a failed job (null: <c>[1]</c>).</summary>
    public List<int>? ExitCodes { get; set; }

    /// <summary>The program's own output lines (null: made-up training lines).</summary>
    public List<string>? LogLines { get; set; }

    public string Username { get; set; } = FakeIdentity.UserName;
}
