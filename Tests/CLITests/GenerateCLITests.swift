import Foundation
import XCTest

/// `generate` with a run folder whose recorded grammar cannot be used.
final class GenerateCLITests: XCTestCase {
    /// A small trained run (transformer.json + .safetensors, 8 hidden units, loc_x/loc_y of a
    /// 32x32 canvas), as `metasim train` writes it; its "grammar" is replaced by each test.
    static let stateJSON = "ewogICJlcG9jaCIgOiAyLAogICJncmFtbWFyIiA6ICJcL3RtcFwvcmVsXC9leHBcL3ByaW9yLnlhbWwiLAogICJoaWRkZW4iIDogWwogICAgOAogIF0sCiAgInNhbXBsZUN1cnNvciIgOiAyOCwKICAic2NoZW1hIiA6IHsKICAgICJhdHRyaWJ1dGVzIiA6IFsKICAgICAgewogICAgICAgICJuYW1lIiA6ICJsb2NfeCIsCiAgICAgICAgInJhbmdlIiA6IHsKICAgICAgICAgICJtYXgiIDogMzIsCiAgICAgICAgICAibWluIiA6IDAsCiAgICAgICAgICAid3JhcCIgOiBmYWxzZQogICAgICAgIH0sCiAgICAgICAgInJ1bGVSYW5nZXMiIDogewoKICAgICAgICB9LAogICAgICAgICJ1bmVuY29kZWRSdWxlcyIgOiBbCgogICAgICAgIF0KICAgICAgfSwKICAgICAgewogICAgICAgICJuYW1lIiA6ICJsb2NfeSIsCiAgICAgICAgInJhbmdlIiA6IHsKICAgICAgICAgICJtYXgiIDogMzIsCiAgICAgICAgICAibWluIiA6IDAsCiAgICAgICAgICAid3JhcCIgOiBmYWxzZQogICAgICAgIH0sCiAgICAgICAgInJ1bGVSYW5nZXMiIDogewoKICAgICAgICB9LAogICAgICAgICJ1bmVuY29kZWRSdWxlcyIgOiBbCgogICAgICAgIF0KICAgICAgfSwKICAgICAgewogICAgICAgICJuYW1lIiA6ICJzaXplIiwKICAgICAgICAicmFuZ2UiIDogewogICAgICAgICAgIm1heCIgOiAzMiwKICAgICAgICAgICJtaW4iIDogMCwKICAgICAgICAgICJ3cmFwIiA6IGZhbHNlCiAgICAgICAgfSwKICAgICAgICAicnVsZVJhbmdlcyIgOiB7CgogICAgICAgIH0sCiAgICAgICAgInVuZW5jb2RlZFJ1bGVzIiA6IFsKCiAgICAgICAgXQogICAgICB9CiAgICBdLAogICAgImNsYXNzZXMiIDogWwogICAgICAiSW1hZ2UiLAogICAgICAiQmFja2dyb3VuZCIsCiAgICAgICJTcXVhcmUiCiAgICBdCiAgfSwKICAic2VlZCIgOiAxLAogICJzdGFnZSIgOiAibWF0Y2hpbmciLAogICJzdGVwIiA6IDQKfQ=="
    static let weights = "4AQAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJtZXRhc2ltLWRpc3RyaWJ1dGlvbi10cmFuc2Zvcm1lciJ9LCJsYXllcjAuYmlhcyI6eyJkYXRhX29mZnNldHMiOlswLDMyXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzhdfSwibGF5ZXIwLmRvd25fZ2F0ZSI6eyJkYXRhX29mZnNldHMiOlszMiw1Nl0sImR0eXBlIjoiRjMyIiwic2hhcGUiOls2LDFdfSwibGF5ZXIwLmRvd25fZ2F0ZV9iaWFzIjp7ImRhdGFfb2Zmc2V0cyI6WzU2LDYwXSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzFdfSwibGF5ZXIwLmRvd25fd2VpZ2h0Ijp7ImRhdGFfb2Zmc2V0cyI6WzYwLDI1Ml0sImR0eXBlIjoiRjMyIiwic2hhcGUiOls2LDhdfSwibGF5ZXIwLnNlbGZfd2VpZ2h0Ijp7ImRhdGFfb2Zmc2V0cyI6WzI1Miw0NDRdLCJkdHlwZSI6IkYzMiIsInNoYXBlIjpbNiw4XX0sImxheWVyMC51cF9nYXRlIjp7ImRhdGFfb2Zmc2V0cyI6WzQ0NCw0NjhdLCJkdHlwZSI6IkYzMiIsInNoYXBlIjpbNiwxXX0sImxheWVyMC51cF9nYXRlX2JpYXMiOnsiZGF0YV9vZmZzZXRzIjpbNDY4LDQ3Ml0sImR0eXBlIjoiRjMyIiwic2hhcGUiOlsxXX0sImxheWVyMC51cF93ZWlnaHQiOnsiZGF0YV9vZmZzZXRzIjpbNDcyLDY2NF0sImR0eXBlIjoiRjMyIiwic2hhcGUiOls2LDhdfSwibGF5ZXIxLmJpYXMiOnsiZGF0YV9vZmZzZXRzIjpbNjY0LDY4OF0sImR0eXBlIjoiRjMyIiwic2hhcGUiOls2XX0sImxheWVyMS5kb3duX2dhdGUiOnsiZGF0YV9vZmZzZXRzIjpbNjg4LDcyMF0sImR0eXBlIjoiRjMyIiwic2hhcGUiOls4LDFdfSwibGF5ZXIxLmRvd25fZ2F0ZV9iaWFzIjp7ImRhdGFfb2Zmc2V0cyI6WzcyMCw3MjRdLCJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMV19LCJsYXllcjEuZG93bl93ZWlnaHQiOnsiZGF0YV9vZmZzZXRzIjpbNzI0LDkxNl0sImR0eXBlIjoiRjMyIiwic2hhcGUiOls4LDZdfSwibGF5ZXIxLnNlbGZfd2VpZ2h0Ijp7ImRhdGFfb2Zmc2V0cyI6WzkxNiwxMTA4XSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzgsNl19LCJsYXllcjEudXBfZ2F0ZSI6eyJkYXRhX29mZnNldHMiOlsxMTA4LDExNDBdLCJkdHlwZSI6IkYzMiIsInNoYXBlIjpbOCwxXX0sImxheWVyMS51cF9nYXRlX2JpYXMiOnsiZGF0YV9vZmZzZXRzIjpbMTE0MCwxMTQ0XSwiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzFdfSwibGF5ZXIxLnVwX3dlaWdodCI6eyJkYXRhX29mZnNldHMiOlsxMTQ0LDEzMzZdLCJkdHlwZSI6IkYzMiIsInNoYXBlIjpbOCw2XX19ICAgICAzBK68oC4GvWtc1jwi4NU8s0XTvPKO1Lwudqe8AAAAAN/BnD5iDVG+zS2HPngzFT1phIo+S1dPvv+E07x885c+YMW5PqGqJb73poy+oL4Rvr+2qj50Y+q9+1isvsQBsz2/BpC+n5q/PkkGnT7w9LA8+XC0vjb9Uj6Q3OM83kc4PoP+N76/X8G+tdHHvmjyZD3F2Z6+EGuNvlErhz7/msU+DsQfPkB4Wz0wucS8HFTPPb2Plj6mon8+k2+jviwi+j2mdWm+zDOBvYXaoT5CvBo+jUq4Pl6AUT4kCZy+nAqHvlYQRz4idGo+rBq7vSWOqL5JVL0+mBmiPTTEqb4c2aQ9/egyPmhM0j5gFTq9lASSvdB9Qz4yH6s+UEqaPGa9Sb6VSFc+xEqgvUhIsD1YtBa9FnGvu9AnVr3cMYu+PE6+PZE7kT4S7Bc+XAiuPt9ytb58Sry+Aev9vNSOnb6vhUy+uZivvuCdTzxvd00+/Lu+vlnHwj7yElY9lM2QPT2s4L0rrcG8V0lOvht1Tj0gDRI9GvE0PkCcbT5m8Qw+rRSKPkDcSD5QbVy+n1wdPpM4mj6gjYA+xhUvvpR6jr7h4VS+W/CNvG6Xg74+W2c+ZUh7vnETS74tSdK8uc6UPuW5jz60+dC+JPUfviZtRT4MlpQ9BvYJPuA7XbwM7aG7Ka+/PjgVED5ixMS+FTWEPiUpnz5c5oi9bqSSvhG5DD7kuFs9251svlQnp77ZBr8+PJ7OvVfonDvwUFE947w8PkVELj7u7dE+EB2YvOKNg74t24q+n2+cvgBsr71LjD++5/UuvobYPL4wLoc8wa84PRV5vL70hNm7yHe9vrslIj5kL8++cFWgvrQUub0Y/8k91hQvPqlgxj2YICM9+J/kvDMm8zwKq/S8Cy3VvAAAAAAAAAAAnj9CPjToDz5aL7s+0HwUvVApmz4BTae+oy5LvgMOlz6FZcw8p0OXvqmqDD3sDVi9fv4avgDV3LqN04E+/AuMPmXTcb6u5qM9UnmkPCN9D75ozIk9RUUBPIDLsT5WP5Q8cAolvqCQGTxe3Go+5dOnvgxEvL0zNLE+oPEPPKyMm72IYbU9L1L+vRIjOD5LGTa+eG+nPlDYsr4+aIS+sIcOva4dYj6bRog+3RMQPtwuwL3bu4I+CKJKPv/3QL5WhGM9H6+ovpSOkr7Azsc9HtJIPm7hNz6DCxG+a3+bPuh7Vb5oSHm+4BlGvTN8jr6qggU+ug8ePiy2mr4QaZO+znaSvnDYjL4ZCFM9oYsgvc5Gfr7U9QW+FTJVPnH/B76KxKk90NuAPRBQ1TzAfhk9AXUNPpBNgT0ZJ7U+FXqEvjt5lj7AIjE89mFVPv26T75rH/09ePzUPY1dsb6ClgA+k4oYPgBcYb6vS8W9vLuePqBKxbx64mg+B2ZGvl/vmb7rqpO+MuIpPru5sL576o4+tm2QvidpAL6mmme+4GcUvZ8DK74etOe9UgFiPm6XNL5dqHe+H6QDPpo0Tj7j5FQ+I66IO+/+Sr4yKt+8V3EmPU3LBT7woVQ+IASMvgD5ejwmzj0+Y0ilvk6Rvr77bH6+TB7jvQanPD5FJBi+aapdvtfZQL445Y++ADEcPA2TT74uQBA+H6S6PjKmD76E/iE+5lxiPsrldT5ipKe+LhoyPqkYjj5xW1K+bivmvQCqHDwsGjG+P8KIvSoW8DxwsPA96W2avs9Xc774Izc9yR+jPnm6Dz4UBpy+oMRTvBKtNT7/TJg+UsBQPoDuxLwOVyY+GI7RPSvhW77yjhw+"

    func runFolder(recordedGrammar: String) throws -> String {
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: run) }
        var state = try JSONSerialization.jsonObject(with: Data(base64Encoded: GenerateCLITests.stateJSON)!) as! [String: Any]
        state["grammar"] = recordedGrammar
        state["complete"] = true  // a finished run (the fixture predates the `complete` field)
        try JSONSerialization.data(withJSONObject: state).write(to: URL(fileURLWithPath: run + "/transformer.json"))
        try Data(base64Encoded: GenerateCLITests.weights)!.write(to: URL(fileURLWithPath: run + "/transformer.safetensors"))
        return run
    }

    func testMovedGrammarNamesTheRunStateAndSuggestsGrammarFlag() throws {
        let run = try runFolder(recordedGrammar: "/nonexistent/moved-away/prior.yaml")
        let result = try CLIRunner.run(["generate", "--run", run, "--count", "2", "--out", run + "/ds", "--quiet"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.err.hasPrefix("error: \(run)/transformer.json: grammar: the grammar this run was trained on, "
                                           + "/nonexistent/moved-away/prior.yaml: no such file; pass --grammar"), result.err)
    }

    func testForeignFileAsGrammarIsNotQuoted() throws {
        let run = try runFolder(recordedGrammar: "")
        let secret = run + "/shadow-like"
        try Data("alice:SECRET-HASH-1234:19000:0:99999:7:::\nbob:OTHER-HASH-5678:19000:0:99999:7:::\n".utf8)
            .write(to: URL(fileURLWithPath: secret))
        let state = run + "/transformer.json"
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: state))) as! [String: Any]
        object["grammar"] = secret
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: state))
        let result = try CLIRunner.run(["generate", "--run", run, "--count", "2", "--out", run + "/ds", "--quiet"])
        XCTAssertEqual(result.status, 2)
        XCTAssertFalse(result.err.contains("HASH"), result.err)
        XCTAssertTrue(result.err.contains("not a valid grammar"), result.err)
        XCTAssertTrue(result.err.contains("--grammar"), result.err)
    }
}
