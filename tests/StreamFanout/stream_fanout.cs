#:property PublishAot=false
#:property TreatWarningsAsErrors=false
// Measures /api/stream fan-out on the real server over loopback (hardening item 8): RSS of the server process while
// C subscribers take their snapshot of N experiments, the worst /api/health latency meanwhile, and RSS after they left.
//   dotnet run tests/StreamFanout/stream_fanout.cs -- --dll src/SkyDeck.Host/bin/Release/net10.0/skydeck.dll \
//       [--experiments 10000] [--clients 500] [--db /tmp/fanout.db] [--settle 20]
// The database is seeded through the API on first use (desired STOPPED, sky = /bin/true) and reused after, so two
// builds can be compared on the same data in one sitting. Figures are printed, never asserted.
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

var dll = Arg("--dll") ?? throw new ArgumentException("--dll <path to skydeck.dll>");
var experiments = int.Parse(Arg("--experiments") ?? "10000");
var clients = int.Parse(Arg("--clients") ?? "500");
var db = Path.GetFullPath(Arg("--db") ?? "/tmp/skydeck-fanout.db");
var settle = int.Parse(Arg("--settle") ?? "20");

var home = Directory.CreateTempSubdirectory("skydeck-fanout-").FullName;
int port;
using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
foreach (var a in new[] { dll, "start", "--foreground", "--port", port.ToString() }) start.ArgumentList.Add(a);
start.Environment["HOME"] = home;
start.Environment["SKYDECK_DB_PATH"] = db;
start.Environment["SKYDECK_SKY_PATH"] = "/bin/true";
start.Environment["SKYDECK_POLL_INTERVAL"] = "3600";
start.Environment["SKYDECK_MAX_STREAM_CLIENTS"] = (clients + 100).ToString();
using var server = Process.Start(start)!;
_ = server.StandardOutput.ReadToEndAsync();
_ = server.StandardError.ReadToEndAsync();
var baseUrl = new Uri($"http://127.0.0.1:{port}");
using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 1000 }) { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(5) };
for (var i = 0; ; i++)
{
    try { using var r = await http.GetAsync("/api/experiments"); if (r.IsSuccessStatusCode) break; } catch (HttpRequestException) { }
    if (i > 600) throw new TimeoutException("server did not start");
    await Task.Delay(100);
}

var have = (await http.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/experiments")).GetProperty("experiments").GetArrayLength();
if (have < experiments)
{
    Console.WriteLine($"seeding {experiments - have} experiments…");
    var next = have;
    await Parallel.ForEachAsync(Enumerable.Range(have, experiments - have), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (n, ct) =>
    {
        using var r = await http.PostAsJsonAsync("/api/experiments", new Dictionary<string, object>
        {
            ["id"] = $"fanout_{n:00000}", ["name"] = $"Fan-out {n}", ["base_command"] = "lt", ["run_name"] = $"bench.fanout_{n}",
            ["nodes"] = 1 + n % 2, ["gpus"] = 4, ["desired_state"] = "STOPPED",
            ["flags"] = new Dictionary<string, object> { ["trainer.lr"] = 0.001 * (n % 10), ["layers"] = n % 8, ["seed"] = n, ["note"] = $"experiment number {n} of the fan-out benchmark" },
        }, ct);
        r.EnsureSuccessStatusCode();
    });
}

using (var warm = await http.GetAsync("/api/experiments")) Console.WriteLine($"list body: {(await warm.Content.ReadAsByteArrayAsync()).Length / 1048576.0:0.0} MiB");
await Task.Delay(2000);
var idle = Rss(server.Id);

// C subscribers at once; each reads its snapshot (the first event) and then stays connected, draining.
var peak = 0L;
var worstHealth = TimeSpan.Zero;
using var stop = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        peak = Math.Max(peak, Rss(server.Id).Rss);
        await Task.Delay(100);
    }
});
// The probe runs in its own process (curl), so the figure is the server's latency, not this harness's thread pool.
var prober = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        var curl = new ProcessStartInfo("curl") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "-s", "-o", "/dev/null", "--noproxy", "*", "-w", "%{time_total}", new Uri(baseUrl, "/api/health").ToString() }) curl.ArgumentList.Add(a);
        using var p = Process.Start(curl)!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && TimeSpan.FromSeconds(seconds) > worstHealth)
            worstHealth = TimeSpan.FromSeconds(seconds);
        await Task.Delay(250);
    }
});

var clock = Stopwatch.StartNew();
var streams = new List<(HttpResponseMessage Response, Stream Body)>();
var snapshotTimes = new List<double>();
var refused = 0;
var gate = new object();
var conns = new CancellationTokenSource();
var readers = Enumerable.Range(0, clients).Select(async _ =>
{
    var request = new HttpRequestMessage(HttpMethod.Get, "/api/stream");
    var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, conns.Token);
    if (!response.IsSuccessStatusCode) { lock (gate) refused++; response.Dispose(); return; }
    var body = await response.Content.ReadAsStreamAsync(conns.Token);
    lock (gate) streams.Add((response, body));
    var buffer = new byte[65536];
    var previous = (byte)0;
    var got = false;
    try
    {
        while (true)
        {
            var n = await body.ReadAsync(buffer, conns.Token);
            if (n == 0) break;
            if (!got)
            {
                for (var i = 0; i < n; i++)
                {
                    if (buffer[i] == '\n' && previous == '\n') { got = true; lock (gate) snapshotTimes.Add(clock.Elapsed.TotalSeconds); break; }
                    previous = buffer[i];
                }
            }
        }
    }
    catch (Exception) when (conns.IsCancellationRequested) { }
}).ToList();
while (true)
{
    lock (gate) if (snapshotTimes.Count + refused >= clients) break;
    if (clock.Elapsed > TimeSpan.FromMinutes(8)) { Console.WriteLine("timed out waiting for snapshots"); break; }
    await Task.Delay(100);
}

var allSnapshots = clock.Elapsed.TotalSeconds;
await Task.Delay(2000);
var connected = Rss(server.Id);
conns.Cancel();
lock (gate) foreach (var (response, body) in streams) { body.Dispose(); response.Dispose(); }
try { await Task.WhenAll(readers); } catch (Exception) { }
var after = new List<long>();
for (var s = 0; s < settle; s++) { await Task.Delay(1000); after.Add(Rss(server.Id).Rss); }
stop.Cancel();
await Task.WhenAll(sampler, prober);

Console.WriteLine($"server: {dll}");
Console.WriteLine($"experiments {experiments}, subscribers {clients} ({snapshotTimes.Count} got a snapshot, {refused} refused)");
Console.WriteLine($"RSS idle (list served once):   {idle.Rss / 1048576.0,8:0} MiB");
Console.WriteLine($"RSS peak while connecting:     {peak / 1048576.0,8:0} MiB");
Console.WriteLine($"RSS with all connected:        {connected.Rss / 1048576.0,8:0} MiB");
Console.WriteLine($"RSS {settle} s after they left:     {after[^1] / 1048576.0,8:0} MiB");
Console.WriteLine($"all snapshots delivered after: {allSnapshots,8:0.0} s");
Console.WriteLine($"worst /api/health latency:     {worstHealth.TotalMilliseconds,8:0} ms");
Console.WriteLine($"VmHWM:                         {Rss(server.Id).Hwm / 1048576.0,8:0} MiB");
server.Kill(entireProcessTree: true);
await server.WaitForExitAsync();
Directory.Delete(home, true);
return 0;

string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static (long Rss, long Hwm) Rss(int pid)
{
    long rss = 0, hwm = 0;
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:")) rss = long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        if (line.StartsWith("VmHWM:")) hwm = long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
    return (rss, hwm);
}
