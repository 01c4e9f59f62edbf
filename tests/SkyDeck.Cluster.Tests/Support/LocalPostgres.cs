using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;

namespace SkyDeck.Cluster.Tests.Support;

/// <summary>
/// The PostgreSQL the cluster tests run against: the machine's own (Debian's <c>postgresql</c> package), started here
/// if it is installed but down, with a login role for the tests; or, when <c>SKYDECK_TEST_POSTGRES</c> holds a
/// connection string of a role that may create databases, that server. Each test gets a fresh database.
/// Not installed is a failure, not a skip: CI installs it, so a missing server means a broken setup.
/// </summary>
internal static class LocalPostgres
{
    public const string Role = "skydeck_test";
    private const string Password = "skydeck_test";
    private const int Port = 5432;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _admin;

    public static async Task<TestDatabase> CreateDatabaseAsync(string prefix)
    {
        var admin = await AdminConnectionStringAsync();
        var name = $"{prefix}_{DateTime.UtcNow:HHmmss}_{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 40)];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new TestDatabase(name, new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString, admin);
    }

    private static async Task<string> AdminConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _admin ??= Environment.GetEnvironmentVariable("SKYDECK_TEST_POSTGRES") is { Length: > 0 } given ? given : await PrepareLocalAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> PrepareLocalAsync()
    {
        if (!await ListensAsync())
        {
            if (!File.Exists("/usr/bin/pg_lsclusters"))
                throw new InvalidOperationException(
                    "PostgreSQL is not installed, and the cluster tests need it: apt-get install -y postgresql "
                    + "(the tests start it themselves), or set SKYDECK_TEST_POSTGRES to the connection string of a role that may create databases.");
            var clusters = await RunAsync("pg_lsclusters", "-h");
            var started = false;
            foreach (var line in clusters.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 4 || fields[2] != Port.ToString()) continue;
                await RunAsync("pg_ctlcluster", fields[0], fields[1], "start");
                started = true;
            }

            if (!started) await RunAsync("service", "postgresql", "start");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await ListensAsync())
            {
                if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"PostgreSQL was started but does not listen on 127.0.0.1:{Port}:\n{await RunAsync("pg_lsclusters")}");
                await Task.Delay(500);
            }
        }

        // Idempotent; as the postgres superuser through peer authentication (the tests run as root, like CI).
        await RunAsync("runuser", "-u", "postgres", "--", "psql", "-v", "ON_ERROR_STOP=1", "-q", "-c",
            $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{Role}') THEN CREATE ROLE {Role} LOGIN CREATEDB PASSWORD '{Password}'; END IF; END $$;");
        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = Role, Password = Password, Database = "postgres", Pooling = false,
        }.ConnectionString;
    }

    private static async Task<bool> ListensAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot run {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        return await stdout;
    }
}

/// <summary>A fresh database, dropped (with any connections left) on dispose.</summary>
internal sealed class TestDatabase(string name, string connectionString, string admin) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i)))));
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
