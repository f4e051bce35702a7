<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>关于照片采集站</source>
        <translation>About the capture station</translation>
    </message>
    <message>
        <source>自学考试毕业证书电子注册 照片采集站 {v}
标准：{std}

各地（州、市）教育考试机构联系电话：</source>
        <translation>Photo capture station for the self-study examination graduation e-registration {v}
Standard: {std}

Telephone numbers of the prefecture examination offices:</translation>
    </message>
    <message>
        <source>考试机构</source>
        <translation>Examination office</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Telephone</translation>
    </message>
</context>
<context>
    <name>CalibrationPage</name>
    <message>
        <source>校准不合格</source>
        <translation>Calibration failed</translation>
    </message>
    <message>
        <source>本次校准有 {n} 项不合格。建议按表中提示调整灯光后重新拍摄。

仍要保存为本机校准吗？保存后状态栏将显示“校准未通过”。</source>
        <translation>{n} item(s) of this calibration failed. Adjust the lights as the table says and take the pictures again.

Save it as the station&apos;s calibration anyway? The status bar will then show &quot;calibration failed&quot;.</translation>
    </message>
    <message>
        <source>仍然保存</source>
        <translation>Save anyway</translation>
    </message>
    <message>
        <source>不保存</source>
        <translation>Do not save</translation>
    </message>
    <message>
        <source>正在保存……</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>正在拍摄……</source>
        <translation>Taking the picture…</translation>
    </message>
    <message>
        <source>正在测量……</source>
        <translation>Measuring…</translation>
    </message>
    <message>
        <source>请先拍摄空背景</source>
        <translation>Take the empty backdrop first</translation>
    </message>
    <message>
        <source>已保存为本机校准：{path}</source>
        <translation>Saved as this station&apos;s calibration: {path}</translation>
    </message>
    <message>
        <source>出错：{reason}</source>
        <translation>Error: {reason}</translation>
    </message>
    <message>
        <source>合格</source>
        <translation>pass</translation>
    </message>
    <message>
        <source>提醒</source>
        <translation>note</translation>
    </message>
    <message>
        <source>不合格</source>
        <translation>fail</translation>
    </message>
    <message>
        <source>未测定</source>
        <translation>not measured</translation>
    </message>
    <message>
        <source>第一步：让考生位置空着，拍摄空背景。</source>
        <translation>Step 1: leave the candidate&apos;s seat empty and take the empty backdrop.</translation>
    </message>
    <message>
        <source>不合格：{n} 项需要调整，按表中提示调整灯光后重新拍摄。</source>
        <translation>Not passed: {n} items need adjusting. Adjust the lights as the table says, then take the pictures again.</translation>
    </message>
    <message>
        <source>合格，有 {n} 项提醒。</source>
        <translation>Passed, with {n} notes.</translation>
    </message>
    <message>
        <source>合格。</source>
        <translation>Passed.</translation>
    </message>
    <message>
        <source>第二步：请一人坐到考生位置（或举灰卡），拍摄考生。</source>
        <translation>Step 2: have someone sit in the candidate&apos;s seat (or hold a grey card) and take the subject picture.</translation>
    </message>
    <message>
        <source>灯光校准</source>
        <translation>Lighting calibration</translation>
    </message>
    <message>
        <source>建议：两只 {cct} 灯，左右各 {a}°，距考生 {lo}–{hi} 米，与肩同高，朝向头部。左右均指从相机方向看。</source>
        <translation>Recommended: two {cct} lights at {a}° left and right, {lo}–{hi} m from the candidate, at shoulder height, aimed at the head. Left and right as seen from the camera.</translation>
    </message>
    <message>
        <source>拍摄空背景</source>
        <translation>Take the empty backdrop</translation>
    </message>
    <message>
        <source>拍摄考生</source>
        <translation>Take the subject</translation>
    </message>
    <message>
        <source>保存为本机校准</source>
        <translation>Save as this station&apos;s calibration</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>数值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Hint</translation>
    </message>
</context>
<context>
    <name>CameraNames</name>
    <message>
        <source>演示相机（{label}）</source>
        <translation>Demo camera ({label})</translation>
    </message>
    <message>
        <source>演示相机</source>
        <translation>Demo camera</translation>
    </message>
    <message>
        <source>单反相机（{port}）</source>
        <translation>DSLR ({port})</translation>
    </message>
    <message>
        <source>单反相机</source>
        <translation>DSLR</translation>
    </message>
    <message>
        <source>摄像头 {n}</source>
        <translation>Webcam {n}</translation>
    </message>
    <message>
        <source>已找到</source>
        <translation>found</translation>
    </message>
    <message>
        <source>未发现设备</source>
        <translation>no device</translation>
    </message>
    <message>
        <source>不是采集设备，已跳过</source>
        <translation>not a capture device, skipped</translation>
    </message>
    <message>
        <source>本机不可用</source>
        <translation>not available on this computer</translation>
    </message>
    <message>
        <source>打开失败</source>
        <translation>could not be opened</translation>
    </message>
    <message>
        <source>摄像头 {target}</source>
        <translation>Webcam {target}</translation>
    </message>
    <message>
        <source>摄像头</source>
        <translation>Webcam</translation>
    </message>
    <message>
        <source>单反相机（gphoto2，端口 {target}）</source>
        <translation>DSLR (gphoto2, ports {target})</translation>
    </message>
    <message>
        <source>单反相机（gphoto2）</source>
        <translation>DSLR (gphoto2)</translation>
    </message>
    <message>
        <source>{what}：{outcome}</source>
        <translation>{what}: {outcome}</translation>
    </message>
    <message>
        <source>（{detail}）</source>
        <translation> ({detail})</translation>
    </message>
</context>
<context>
    <name>CandidatePanel</name>
    <message>
        <source>该考生已有照片（{when}）。重拍后旧照片保留在历史记录中。</source>
        <translation>This candidate already has a photo ({when}). A retake keeps the old one in the history.</translation>
    </message>
    <message>
        <source>正在查找考生…</source>
        <translation>Looking up the candidate…</translation>
    </message>
    <message>
        <source>名单中没有此考生号</source>
        <translation>This ID is not on the roster</translation>
    </message>
    <message>
        <source>考生号有效（未导入考生名单）</source>
        <translation>Valid ID (no roster imported)</translation>
    </message>
    <message>
        <source>已有照片（{when}），重拍时旧照片保留</source>
        <translation>Has a photo ({when}); a retake keeps the old one</translation>
    </message>
    <message>
        <source>请输入考生号</source>
        <translation>Enter the candidate ID</translation>
    </message>
    <message>
        <source>考生号（准考证号或身份证号）</source>
        <translation>Candidate ID (admission number or resident ID)</translation>
    </message>
    <message>
        <source>扫描或输入考生号，回车</source>
        <translation>Scan or type the ID</translation>
    </message>
</context>
<context>
    <name>CheckPanel</name>
    <message>
        <source>等待画面…</source>
        <translation>Waiting for the picture…</translation>
    </message>
    <message>
        <source>画面可用（{items}接近边界），请输入考生号</source>
        <translation>Picture usable ({items} near the limit): enter the candidate ID</translation>
    </message>
    <message>
        <source>可以拍照（{items}接近边界）</source>
        <translation>Ready to take the photo ({items} near the limit)</translation>
    </message>
    <message>
        <source>画面合格，请输入考生号</source>
        <translation>Picture OK: enter the candidate ID</translation>
    </message>
    <message>
        <source>可以拍照</source>
        <translation>Ready to take the photo</translation>
    </message>
    <message>
        <source>请人工核对</source>
        <translation>Check by eye</translation>
    </message>
    <message>
        <source>实时检查</source>
        <translation>Live checks</translation>
    </message>
</context>
<context>
    <name>DayCounter</name>
    <message>
        <source>今日已拍</source>
        <translation>Photographed today</translation>
    </message>
    <message>
        <source>名册人数</source>
        <translation>On the roster</translation>
    </message>
    <message>
        <source>尚未拍照</source>
        <translation>Still missing</translation>
    </message>
    <message>
        <source>今日在本机拍照的考生 / 名册中的考生 / 名册中还没有照片的考生</source>
        <translation>Candidates photographed at this station today / candidates on the roster / roster candidates without a photo yet</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>导出为 ZIP 文件</source>
        <translation>Export as a ZIP file</translation>
    </message>
    <message>
        <source>ZIP 文件（*.zip）</source>
        <translation>ZIP files (*.zip)</translation>
    </message>
    <message>
        <source>选择导出文件夹所在的位置</source>
        <translation>Choose where the export folder goes</translation>
    </message>
    <message>
        <source>选择考生名单</source>
        <translation>Choose the list of candidates</translation>
    </message>
    <message>
        <source>名单（*.csv *.txt）</source>
        <translation>Lists (*.csv *.txt)</translation>
    </message>
    <message>
        <source>所有文件（*）</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <source>请填写导出位置</source>
        <translation>Enter where to export to</translation>
    </message>
    <message>
        <source>开始日期晚于结束日期</source>
        <translation>The start date is after the end date</translation>
    </message>
    <message>
        <source>请选择考生名单文件</source>
        <translation>Choose the file with the list of candidates</translation>
    </message>
    <message>
        <source>正在导出：每张照片都从磁盘读回并重新检查…</source>
        <translation>Exporting: every photo is read back from disk and checked again…</translation>
    </message>
    <message>
        <source>导出已取消，没有留下任何文件。</source>
        <translation>Export cancelled; nothing was left behind.</translation>
    </message>
    <message>
        <source>无法导出：{err}</source>
        <translation>Cannot export: {err}</translation>
    </message>
    <message>
        <source>ZIP 文件</source>
        <translation>ZIP file</translation>
    </message>
    <message>
        <source>文件夹</source>
        <translation>folder</translation>
    </message>
    <message>
        <source>已导出 {n} 张照片到{kind}：{path}</source>
        <translation>Exported {n} photos to the {kind} {path}</translation>
    </message>
    <message>
        <source>未导出 {n} 张（原因见下表）；名册中尚未拍照 {m} 人。</source>
        <translation>{n} not exported (reasons below); {m} on the roster still without a photo.</translation>
    </message>
    <message>
        <source>清单中的考试机构：{office}</source>
        <translation>Examination office in the manifest: {office}</translation>
    </message>
    <message>
        <source>未导出的照片（{n}）</source>
        <translation>Not exported ({n})</translation>
    </message>
    <message>
        <source>尚未拍照（{n}）</source>
        <translation>Still missing ({n})</translation>
    </message>
    <message>
        <source>考生号</source>
        <translation>Candidate ID</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>导出上传</source>
        <translation>Export for upload</translation>
    </message>
    <message>
        <source>导出哪些照片</source>
        <translation>Which photos</translation>
    </message>
    <message>
        <source>全部考生的最新照片</source>
        <translation>The newest photo of every candidate</translation>
    </message>
    <message>
        <source>按拍摄日期：</source>
        <translation>Taken between:</translation>
    </message>
    <message>
        <source>至</source>
        <translation>and</translation>
    </message>
    <message>
        <source>按名单（如上传平台返回的缺照片名单）：</source>
        <translation>Candidates on a list (such as the upload site&apos;s list of missing photos):</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>导出到</source>
        <translation>Export to</translation>
    </message>
    <message>
        <source>形式</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>位置</source>
        <translation>Location</translation>
    </message>
    <message>
        <source>清单编码</source>
        <translation>List encoding</translation>
    </message>
    <message>
        <source>一个 ZIP 文件</source>
        <translation>One ZIP file</translation>
    </message>
    <message>
        <source>一个文件夹</source>
        <translation>One folder</translation>
    </message>
    <message>
        <source>UTF-8（Excel 可直接打开）</source>
        <translation>UTF-8 (opens directly in Excel)</translation>
    </message>
    <message>
        <source>GBK（旧系统）</source>
        <translation>GBK (older systems)</translation>
    </message>
    <message>
        <source>（未设置）</source>
        <translation>(not set)</translation>
    </message>
    <message>
        <source>身份证号（名册中没有身份证号的考生用准考证号）</source>
        <translation>Resident ID (the admission number for candidates without one on the roster)</translation>
    </message>
    <message>
        <source>准考证号</source>
        <translation>Admission number</translation>
    </message>
    <message>
        <source>考试机构：{office}&#x3000;·&#x3000;照片文件名：{key}（可在“设置”中更改）。演示相机拍的练习照片不会导出。</source>
        <translation>Examination office: {office}  ·  Photo file names: {key} (change it in Settings). Practice photos of the demo camera are never exported.</translation>
    </message>
    <message>
        <source>开始导出</source>
        <translation>Start export</translation>
    </message>
    <message>
        <source>取消导出</source>
        <translation>Cancel export</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>已被重拍替换</source>
        <translation>replaced by a retake</translation>
    </message>
    <message>
        <source>演示照片（不导出）</source>
        <translation>demo photo (not exported)</translation>
    </message>
    <message>
        <source>合格</source>
        <translation>pass</translation>
    </message>
    <message>
        <source>强制保存</source>
        <translation>Save despite failures</translation>
    </message>
    <message>
        <source>今日照片（{n}）</source>
        <translation>Today&apos;s photos ({n})</translation>
    </message>
</context>
<context>
    <name>LiveView</name>
    <message>
        <source>未检测到人脸：请考生正对镜头坐好</source>
        <translation>No face found: the candidate should sit facing the camera</translation>
    </message>
    <message>
        <source>未找到头顶：请检查背景与头部是否在画面内</source>
        <translation>Top of head not found: check the backdrop and that the head is in the picture</translation>
    </message>
    <message>
        <source>演示 DEMO</source>
        <translation>DEMO 演示</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>正在打开相机…</source>
        <translation>Opening the camera…</translation>
    </message>
    <message>
        <source>保存文件夹不可用：{err}</source>
        <translation>The save folder is not available: {err}</translation>
    </message>
    <message>
        <source>重试</source>
        <translation>Retry</translation>
    </message>
    <message>
        <source>此相机不提供实时画面：输入考生号后可直接拍照</source>
        <translation>This camera has no live view: enter the candidate ID, then take the photo directly</translation>
    </message>
    <message>
        <source>相机未打开</source>
        <translation>The camera is not open</translation>
    </message>
    <message>
        <source>相机连接中断，正在自动重新连接…（待确认的照片不受影响）</source>
        <translation>Camera connection lost, reconnecting automatically… (a photo under review is not affected)</translation>
    </message>
    <message>
        <source>立即重试</source>
        <translation>Retry now</translation>
    </message>
    <message>
        <source>相机已断开</source>
        <translation>Camera disconnected</translation>
    </message>
    <message>
        <source>请先输入有效的考生号</source>
        <translation>Enter a valid candidate ID first</translation>
    </message>
    <message>
        <source>无法生成照片：{why}</source>
        <translation>The photo could not be made: {why}</translation>
    </message>
    <message>
        <source>灯光与校准时不同：{hint}（请检查灯光，必要时重新校准）</source>
        <translation>The light differs from the calibration: {hint} (check the lights; recalibrate if needed)</translation>
    </message>
    <message>
        <source>拍照失败：相机连接中断，正在重新连接</source>
        <translation>Capture failed: the camera connection was lost, reconnecting</translation>
    </message>
    <message>
        <source>拍照失败：{err}</source>
        <translation>Capture failed: {err}</translation>
    </message>
    <message>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <source>照片未能保存：{err}

请检查保存文件夹（磁盘是否已满、是否只读或无写入权限）。照片仍在确认界面，问题解决后可再次保存。</source>
        <translation>The photo was not saved: {err}

Check the save folder (is the disk full, read-only, or not writable?). The photo stays on the review screen; save it again once the problem is fixed.</translation>
    </message>
    <message>
        <source>保存失败：{err}</source>
        <translation>Saving failed: {err}</translation>
    </message>
    <message>
        <source>无法保存照片</source>
        <translation>Cannot save the photo</translation>
    </message>
    <message>
        <source>灯光校准</source>
        <translation>Lighting calibration</translation>
    </message>
    <message>
        <source>正在拍照…</source>
        <translation>Taking the photo…</translation>
    </message>
    <message>
        <source>拍照（空格）</source>
        <translation>Take photo (Space)</translation>
    </message>
    <message>
        <source>相机未连接</source>
        <translation>The camera is not connected</translation>
    </message>
    <message>
        <source>无法打开相机 {spec}</source>
        <translation>Cannot open the camera {spec}</translation>
    </message>
    <message>
        <source>未找到相机</source>
        <translation>No camera found</translation>
    </message>
    <message>
        <source>未找到相机：请连接相机后点“重试”</source>
        <translation>No camera found: connect a camera, then press &quot;Retry&quot;</translation>
    </message>
    <message>
        <source>已尝试：</source>
        <translation>Tried:</translation>
    </message>
    <message>
        <source>使用演示相机</source>
        <translation>Use the demo camera</translation>
    </message>
    <message>
        <source>自动拍照 {n} 秒后继续</source>
        <translation>Auto-capture resumes in {n} s</translation>
    </message>
    <message>
        <source>扫描了新的考生号</source>
        <translation>A new candidate ID was scanned</translation>
    </message>
    <message>
        <source>{old} 的照片还没有保存。
刚扫描了新的考生号 {new}。</source>
        <translation>The photo of {old} has not been saved.
A new candidate ID was just scanned: {new}.</translation>
    </message>
    <message>
        <source>返回核对（不保存新考生号）</source>
        <translation>Back to the review (ignore the new ID)</translation>
    </message>
    <message>
        <source>放弃这张照片，开始新考生</source>
        <translation>Discard this photo and start the new candidate</translation>
    </message>
    <message>
        <source>已保存 {name} {id}（{size} 字节）</source>
        <translation>Saved {name} {id} ({size} bytes)</translation>
    </message>
    <message>
        <source>已导出到 {path}</source>
        <translation>Exported to {path}</translation>
    </message>
    <message>
        <source>照片采集站</source>
        <translation>Photo capture station</translation>
    </message>
    <message>
        <source>采集站(&amp;S)</source>
        <translation>&amp;Station</translation>
    </message>
    <message>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>灯光校准…</source>
        <translation>Lighting calibration…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>考生与导出(&amp;R)</source>
        <translation>&amp;Records</translation>
    </message>
    <message>
        <source>考生名册（导入、查看）…</source>
        <translation>Roster (import, view)…</translation>
    </message>
    <message>
        <source>导出上传…</source>
        <translation>Export for upload…</translation>
    </message>
    <message>
        <source>语言(&amp;L)</source>
        <translation>&amp;Language</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>关于与联系电话…</source>
        <translation>About and telephone numbers…</translation>
    </message>
    <message>
        <source>还有一张照片尚未保存。仍要退出吗？（照片将被丢弃）</source>
        <translation>A photo has not been saved yet. Quit anyway? (The photo will be discarded.)</translation>
    </message>
</context>
<context>
    <name>PhotoView</name>
    <message>
        <source>演示 DEMO</source>
        <translation>DEMO 演示</translation>
    </message>
</context>
<context>
    <name>RecordDialog</name>
    <message>
        <source>人工核对项</source>
        <translation>checked by the operator</translation>
    </message>
    <message>
        <source>测量值：{value}</source>
        <translation>measured: {value}</translation>
    </message>
    <message>
        <source>照片记录：{id}</source>
        <translation>Photo record: {id}</translation>
    </message>
    <message>
        <source>考生号：{id}</source>
        <translation>Candidate ID: {id}</translation>
    </message>
    <message>
        <source>时间：{t}</source>
        <translation>Time: {t}</translation>
    </message>
    <message>
        <source>{size} 字节 · JPEG 质量 {q}</source>
        <translation>{size} bytes · JPEG quality {q}</translation>
    </message>
    <message>
        <source>文件：{path}</source>
        <translation>File: {path}</translation>
    </message>
    <message>
        <source>强制保存原因：{r}</source>
        <translation>Override reason: {r}</translation>
    </message>
    <message>
        <source>此照片已被重拍替换，保存在历史记录中。</source>
        <translation>This photo was replaced by a retake and is kept in the history.</translation>
    </message>
    <message>
        <source>重拍此考生</source>
        <translation>Retake this candidate</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>合格</source>
        <translation>pass</translation>
    </message>
    <message>
        <source>临界</source>
        <translation>near limit</translation>
    </message>
    <message>
        <source>不合格</source>
        <translation>fail</translation>
    </message>
    <message>
        <source>待人工核对</source>
        <translation>check by eye</translation>
    </message>
    <message>
        <source>操作员已确认</source>
        <translation>confirmed by the operator</translation>
    </message>
    <message>
        <source>操作员未确认</source>
        <translation>not confirmed by the operator</translation>
    </message>
</context>
<context>
    <name>ReviewPanel</name>
    <message>
        <source>新扫描的考生号：{id}（回车后选择如何处理）</source>
        <translation>New candidate ID scanned: {id} (press Enter to choose what to do)</translation>
    </message>
    <message>
        <source>看过照片、以上 {n} 项都符合要求：按 Ctrl+Enter 确认并保存</source>
        <translation>Looked at the photo and all {n} items above are fine: press Ctrl+Enter to confirm and save</translation>
    </message>
    <message>
        <source>{w}×{h} 像素 · {size} 字节 · JPEG 质量 {q}</source>
        <translation>{w}×{h} pixels · {size} bytes · JPEG quality {q}</translation>
    </message>
    <message>
        <source>全部可测项目合格</source>
        <translation>Every measurable check passes</translation>
    </message>
    <message>
        <source>有不合格项目</source>
        <translation>Some checks fail</translation>
    </message>
    <message>
        <source>准考证号 {id}</source>
        <translation>Admission no. {id}</translation>
    </message>
    <message>
        <source>身份证 {id}</source>
        <translation>Resident ID {id}</translation>
    </message>
    <message>
        <source>未导入考生名单，无姓名可核对</source>
        <translation>No roster imported: no name to check against</translation>
    </message>
    <message>
        <source>名单中无姓名</source>
        <translation>No name on the roster</translation>
    </message>
    <message>
        <source>名单中没有此考生号：请核对准考证或身份证后再保存</source>
        <translation>This ID is not on the roster: check the admission ticket or ID card before saving</translation>
    </message>
    <message>
        <source>合格</source>
        <translation>pass</translation>
    </message>
    <message>
        <source>临界</source>
        <translation>near limit</translation>
    </message>
    <message>
        <source>不合格</source>
        <translation>fail</translation>
    </message>
    <message>
        <source>待人工核对</source>
        <translation>check by eye</translation>
    </message>
    <message>
        <source>没有待确认的照片</source>
        <translation>No photo to review</translation>
    </message>
    <message>
        <source>请看照片核对人工检查项目，然后按 Ctrl+Enter 保存</source>
        <translation>Look at the photo for the items to check by eye, then press Ctrl+Enter to save</translation>
    </message>
    <message>
        <source>已核对，强制保存 ({key})</source>
        <translation>Checked: save despite failures ({key})</translation>
    </message>
    <message>
        <source>已核对，保存 ({key})</source>
        <translation>Checked: save ({key})</translation>
    </message>
    <message>
        <source>保存 ({key})</source>
        <translation>Save ({key})</translation>
    </message>
    <message>
        <source>人工核对（程序无法测量，请看照片逐项核对）</source>
        <translation>Check by eye (the program cannot measure these: look at the photo for each)</translation>
    </message>
    <message>
        <source>照片有不合格项目：须填写强制保存的原因</source>
        <translation>The photo fails a check: a reason is required to save it anyway</translation>
    </message>
    <message>
        <source>显示参考带</source>
        <translation>Show guide bands</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>项目</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>强制保存</source>
        <translation>Save despite failures</translation>
    </message>
    <message>
        <source>此照片有不合格项目。如确需保存，请填写原因（将记录在案）。</source>
        <translation>This photo fails a check. To save it anyway, give the reason (it is recorded).</translation>
    </message>
    <message>
        <source>强制保存的原因</source>
        <translation>Reason for saving anyway</translation>
    </message>
    <message>
        <source>重拍 (Esc)</source>
        <translation>Retake (Esc)</translation>
    </message>
    <message>
        <source>核对照片</source>
        <translation>Review photo</translation>
    </message>
</context>
<context>
    <name>RosterDialog</name>
    <message>
        <source>显示 {shown} / {total} 人</source>
        <translation>Showing {shown} of {total}</translation>
    </message>
    <message>
        <source>有照片正在核对，保存或重拍后才能开始下一位考生</source>
        <translation>A photo is waiting in review: save or retake it before starting the next candidate</translation>
    </message>
    <message>
        <source>选择名册文件</source>
        <translation>Choose the roster file</translation>
    </message>
    <message>
        <source>名册（*.csv *.xlsx *.xlsm）</source>
        <translation>Rosters (*.csv *.xlsx *.xlsm)</translation>
    </message>
    <message>
        <source>所有文件（*）</source>
        <translation>All files (*)</translation>
    </message>
    <message>
        <source>读取 %v / %m 行</source>
        <translation>Reading row %v of %m</translation>
    </message>
    <message>
        <source>检查 %v / %m 行</source>
        <translation>Checking row %v of %m</translation>
    </message>
    <message>
        <source>写入 %v / %m 行</source>
        <translation>Storing row %v of %m</translation>
    </message>
    <message>
        <source>未导入的行（{n}）</source>
        <translation>Rows not imported ({n})</translation>
    </message>
    <message>
        <source>行号</source>
        <translation>Line</translation>
    </message>
    <message>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>考生号</source>
        <translation>Candidate ID</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>正在读取名册 {file}…</source>
        <translation>Reading the roster {file}…</translation>
    </message>
    <message>
        <source>正在写入名册 {file}…</source>
        <translation>Storing the roster {file}…</translation>
    </message>
    <message>
        <source>已导入 {file}：新增 {added} 人，更新 {updated} 人，未变 {unchanged} 人，未导入 {bad} 行</source>
        <translation>Imported {file}: {added} added, {updated} updated, {unchanged} unchanged, {bad} rows not imported</translation>
    </message>
    <message>
        <source>已取消导入，名册未改变</source>
        <translation>Import cancelled; the roster is unchanged</translation>
    </message>
    <message>
        <source>无法导入名册：{err}</source>
        <translation>Cannot import the roster: {err}</translation>
    </message>
    <message>
        <source>考生名册</source>
        <translation>Roster</translation>
    </message>
    <message>
        <source>导入名册…</source>
        <translation>Import roster…</translation>
    </message>
    <message>
        <source>按姓名或考生号搜索</source>
        <translation>Search by name or number</translation>
    </message>
    <message>
        <source>只显示尚未拍照</source>
        <translation>Only those still missing</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>为此考生拍照</source>
        <translation>Take this candidate&apos;s photo</translation>
    </message>
    <message>
        <source>把所选考生的考生号填入输入框（也可双击该行）</source>
        <translation>Puts the selected candidate&apos;s ID into the ID field (or double-click the row)</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>RosterModel</name>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>准考证号</source>
        <translation>Admission number</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>Resident ID</translation>
    </message>
    <message>
        <source>照片</source>
        <translation>Photo</translation>
    </message>
    <message>
        <source>最近拍照时间</source>
        <translation>Last photo taken</translation>
    </message>
    <message>
        <source>已拍</source>
        <translation>photographed</translation>
    </message>
    <message>
        <source>已拍（强制保存）</source>
        <translation>photographed (saved by force)</translation>
    </message>
    <message>
        <source>仅演示照片</source>
        <translation>demo photo only</translation>
    </message>
    <message>
        <source>未拍</source>
        <translation>missing</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>自动（第一台找到的相机）</source>
        <translation>Automatic (first camera found)</translation>
    </message>
    <message>
        <source>选择保存文件夹</source>
        <translation>Choose the save folder</translation>
    </message>
    <message>
        <source>首次设置</source>
        <translation>First-time setup</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>欢迎使用照片采集站。请选择本站所属的考试机构，并填写站点与操作员信息。</source>
        <translation>Welcome to the photo capture station. Choose the examination office this station belongs to and enter the station and operator.</translation>
    </message>
    <message>
        <source>考试机构</source>
        <translation>Examination office</translation>
    </message>
    <message>
        <source>站点名称</source>
        <translation>Station name</translation>
    </message>
    <message>
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <source>保存文件夹</source>
        <translation>Save folder</translation>
    </message>
    <message>
        <source>请填写：{fields}</source>
        <translation>Please fill in: {fields}</translation>
    </message>
    <message>
        <source>相机</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>自动拍照</source>
        <translation>Auto-capture</translation>
    </message>
    <message>
        <source>连续合格帧数</source>
        <translation>Green frames in a row</translation>
    </message>
    <message>
        <source>校准间隔（天）</source>
        <translation>Calibration interval (days)</translation>
    </message>
    <message>
        <source>导出照片文件名</source>
        <translation>Exported photos named by</translation>
    </message>
    <message>
        <source>准考证号</source>
        <translation>Admission number</translation>
    </message>
    <message>
        <source>身份证号（名册中有时）</source>
        <translation>Resident ID (where the roster has one)</translation>
    </message>
    <message>
        <source>请选择考试机构</source>
        <translation>Choose the examination office</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>所有实时检查连续合格时自动拍照</source>
        <translation>Take the photo when every live check stays green</translation>
    </message>
</context>
<context>
    <name>SetupDiagram</name>
    <message>
        <source>白色背景</source>
        <translation>white backdrop</translation>
    </message>
    <message>
        <source>{lo}–{hi} 米</source>
        <translation>{lo}–{hi} m</translation>
    </message>
    <message>
        <source>左灯</source>
        <translation>left light</translation>
    </message>
    <message>
        <source>右灯</source>
        <translation>right light</translation>
    </message>
    <message>
        <source>左右各 {a}°</source>
        <translation>{a}° left and right</translation>
    </message>
    <message>
        <source>考生</source>
        <translation>candidate</translation>
    </message>
    <message>
        <source>相机</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>俯视图</source>
        <translation>top view</translation>
    </message>
    <message>
        <source>与肩同高</source>
        <translation>at shoulder height</translation>
    </message>
    <message>
        <source>朝向头部</source>
        <translation>aimed at the head</translation>
    </message>
    <message>
        <source>侧视图</source>
        <translation>side view</translation>
    </message>
</context>
<context>
    <name>StationStatusBar</name>
    <message>
        <source>分析 {fps:.1f} 帧/秒</source>
        <translation>analysis {fps:.1f} fps</translation>
    </message>
    <message>
        <source>未校准</source>
        <translation>not calibrated</translation>
    </message>
    <message>
        <source>校准未通过，请重新校准</source>
        <translation>calibration failed: calibrate again</translation>
    </message>
    <message>
        <source>校准于 {h:.0f} 小时前</source>
        <translation>calibrated {h:.0f} h ago</translation>
    </message>
    <message>
        <source>校准于 {d:.0f} 天前</source>
        <translation>calibrated {d:.0f} days ago</translation>
    </message>
    <message>
        <source>（需重新校准）</source>
        <translation> (calibration due)</translation>
    </message>
    <message>
        <source>无相机</source>
        <translation>no camera</translation>
    </message>
    <message>
        <source>{name}（已断开）</source>
        <translation>{name} (disconnected)</translation>
    </message>
    <message>
        <source>{name} · {fps:.1f} 帧/秒</source>
        <translation>{name} · {fps:.1f} fps</translation>
    </message>
    <message>
        <source>保存到：{folder}</source>
        <translation>Saving to: {folder}</translation>
    </message>
    <message>
        <source>剩余空间未知</source>
        <translation>free space unknown</translation>
    </message>
    <message>
        <source>剩余 {free}</source>
        <translation>{free} free</translation>
    </message>
</context>
</TS>
