"""Demo complaints for `manage.py seed_demo`: about thirty in every state, in both districts, registered and
moved along through the services (so numbers, deadlines and timelines are real). Idempotent: each carries
`external_ref` "demo-NN" and is created only if missing. Needs the demo city (enforcement.org.demo)."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from enforcement.catalog.models import ViolationCategory
from enforcement.org.models import User

from . import services
from .choices import Channel, ComplaintStatus

S = ComplaintStatus

# (district, channel, category code, description, address, (lat, lng) or None, days ago, target state,
#  complainant (name, phone) or None for anonymous)
SPECS = [
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0701",
        "祖庙路口有流动摊贩占道经营，早晚高峰影响通行。",
        "禅城区祖庙路18号",
        ("23.025100", "113.105200"),
        0,
        S.RECEIVED,
        ("陈小明", "13800138001"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0503",
        "小区旁工地夜间22点后仍在施工，噪音扰民。",
        "禅城区汾江中路120号",
        ("23.027300", "113.112400"),
        1,
        S.RECEIVED,
        ("黄丽华", "13922223333"),
    ),
    (
        "chancheng",
        Channel.WEB,
        "0401",
        "人行道上乱停放共享单车，堵塞盲道。",
        "禅城区亲仁路5号",
        ("23.022000", "113.108000"),
        2,
        S.ACCEPTED,
        None,
    ),
    (
        "chancheng",
        Channel.LETTER,
        "1001",
        "来信反映：某商铺门前违规设置户外广告牌。",
        "禅城区季华五路33号",
        ("22.995500", "113.085500"),
        10,
        S.ACCEPTED,
        ("李建国", "13711112222"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_BUREAU,
        "0701",
        "石湾公园门口摆卖水果，占用消防通道。",
        "禅城区石湾镇街道公园路2号",
        ("22.994000", "113.083000"),
        3,
        S.DISPATCHED,
        ("梁美玲", "13612345678"),
    ),
    (
        "chancheng",
        Channel.MAYOR_HOTLINE,
        "0501",
        "居民楼下烧烤摊油烟直排，气味很大。",
        "禅城区普君北路66号",
        ("23.028800", "113.118800"),
        6,
        S.DISPATCHED,
        ("何志明", "13500001111"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0503",
        "商场外墙改造周末施工噪音。",
        "禅城区岭南大道北100号",
        ("23.024400", "113.101100"),
        4,
        S.IN_PROGRESS,
        ("吴小芳", "13433334444"),
    ),
    (
        "chancheng",
        Channel.PETITION,
        "0303",
        "信访：反映违法建设侵占公共绿地，要求依法拆除。",
        "禅城区南庄镇紫洞路9号",
        ("22.996600", "113.091100"),
        20,
        S.IN_PROGRESS,
        ("区伟强", "13355556666"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0401",
        "车辆长期占用人行道停放。",
        "禅城区东华里12号",
        ("23.021200", "113.109900"),
        8,
        S.REPLIED,
        ("冯秀英", "13277778888"),
    ),
    (
        "chancheng",
        Channel.WEB,
        "0701",
        "菜市场外占道摆卖。",
        "禅城区升平路3号",
        ("23.023300", "113.104400"),
        12,
        S.VISITED,
        ("邓家豪", "13199990000"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0503",
        "夜间装修噪音。",
        "禅城区卫国路45号",
        ("23.026600", "113.116600"),
        15,
        S.CLOSED,
        ("潘晓雯", "13012341234"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0803",
        "广告横幅破损悬挂，存在安全隐患。",
        "禅城区朝安南路21号",
        ("23.020500", "113.107700"),
        18,
        S.CLOSED,
        None,
    ),
    (
        "chancheng",
        Channel.MEDIA,
        "0702",
        "媒体报道：夜宵档占道经营问题。",
        "禅城区同济路8号",
        ("23.029900", "113.103300"),
        25,
        S.CLOSED,
        None,
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0103",
        "咨询个人社保缴费问题。",
        "禅城区某地",
        None,
        2,
        S.REJECTED,
        ("罗建华", "18912345678"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0701",
        "祖庙路口流动摊贩（重复来电）。",
        "禅城区祖庙路18号",
        ("23.025150", "113.105250"),
        0,
        S.MERGED,
        ("张伟", "18600001111"),
    ),
    (
        "chancheng",
        Channel.PATROL,
        "0401",
        "巡查发现电动车乱停放，已现场劝导整改。",
        "禅城区祖庙路30号",
        ("23.025800", "113.106100"),
        1,
        "on_the_spot",
        None,
    ),
    (
        "chancheng",
        Channel.NPC_MOTION,
        "0201",
        "人大代表建议：加强城中村违法建设治理。",
        "禅城区张槎街道",
        None,
        30,
        S.DISPATCHED,
        ("人大代表联络处", "075783000000"),
    ),
    (
        "chancheng",
        Channel.HOTLINE_12345,
        "0503",
        "工地渣土车夜间作业噪音（满意度回访不满意）。",
        "禅城区江湾一路9号",
        ("23.027700", "113.110800"),
        14,
        "reopened",
        ("蔡文静", "13800001234"),
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0701",
        "桂城地铁站口占道经营。",
        "南海区桂城南海大道北1号",
        ("23.035500", "113.145500"),
        0,
        S.RECEIVED,
        ("谢宏亮", "13800009999"),
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0501",
        "大排档油烟扰民。",
        "南海区大沥镇广佛路20号",
        ("23.105500", "113.095500"),
        2,
        S.ACCEPTED,
        ("林少华", "13711119999"),
    ),
    (
        "nanhai",
        Channel.WEB,
        "0303",
        "机动车占用绿化带停放。",
        "南海区桂城灯湖东路6号",
        ("23.036600", "113.148800"),
        3,
        S.DISPATCHED,
        None,
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0503",
        "凌晨工地打桩噪音。",
        "南海区桂城海五路10号",
        ("23.038800", "113.152200"),
        5,
        S.IN_PROGRESS,
        ("钟美华", "13522224444"),
    ),
    (
        "nanhai",
        Channel.VISIT,
        "0201",
        "来访：邻居搭建违法建筑遮挡采光。",
        "南海区大沥镇黄岐泌冲路4号",
        ("23.104400", "113.101100"),
        9,
        "extension",
        ("麦志诚", "13633335555"),
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0702",
        "店招占用人行道。",
        "南海区桂城南桂东路7号",
        ("23.033300", "113.141100"),
        7,
        S.REPLIED,
        ("欧阳静", "13744446666"),
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0701",
        "夜市摊档占道。",
        "南海区大沥镇建设大道2号",
        ("23.102200", "113.092200"),
        11,
        S.VISITED,
        ("梁国强", "13855557777"),
    ),
    (
        "nanhai",
        Channel.CPPCC_PROPOSAL,
        "1001",
        "政协提案：规范户外广告设置管理。",
        "南海区",
        None,
        40,
        S.CLOSED,
        ("政协提案委", "075786000000"),
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0401",
        "共享单车乱停放。",
        "南海区桂城季华东路3号",
        ("23.031100", "113.146600"),
        16,
        S.CLOSED,
        ("苏婉婷", "13966668888"),
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0504",
        "商铺高音喇叭招揽生意。",
        "南海区桂城桂澜路11号",
        ("23.037700", "113.149900"),
        19,
        S.CLOSED,
        ("韦家明", "13077779999"),
    ),
    (
        "nanhai",
        Channel.PATROL,
        "0701",
        "巡查发现占道摆卖，已当场劝离。",
        "南海区桂城南海大道中5号",
        ("23.034400", "113.144400"),
        0,
        "on_the_spot",
        None,
    ),
    (
        "nanhai",
        Channel.HOTLINE_12345,
        "0502",
        "露天烧烤（重复投诉）。",
        "南海区大沥镇广佛路20号",
        ("23.105520", "113.095520"),
        1,
        S.REJECTED,
        ("匿名市民", ""),
    ),
]


def _png(width=48, height=32, rgb=(46, 139, 87)):
    """A small solid-colour PNG, standing in for an after-fix photo (PNG needs only zlib to write)."""
    import struct
    import zlib

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _users(district):
    names = {"intake": "intake", "officer": "officer", "leader": "squad_leader", "head": "bureau_head"}
    users = {key: User.objects.get(username=f"{district}.{suffix}") for key, suffix in names.items()}
    users["squadron"] = users["officer"].unit
    return users


def _advance(complaint, target, people):
    """Moves a registered complaint on to `target` through the services, as the demo staff."""
    intake, officer, leader, head = people["intake"], people["officer"], people["leader"], people["head"]
    if target == S.RECEIVED:
        return complaint
    if target == S.REJECTED:
        return services.reject(
            complaint, by=intake, reason="不属于城市管理执法职责范围，已告知来电人向社保部门咨询。"
        )
    complaint = services.accept(complaint, by=intake)
    if target == S.ACCEPTED:
        return complaint
    complaint = services.dispatch(complaint, by=intake, unit=people["squadron"])
    if target == S.DISPATCHED:
        return complaint
    complaint = services.start(complaint, by=officer)
    if target == S.IN_PROGRESS:
        return complaint
    if target == "extension":
        complaint = services.request_extension(
            complaint, by=officer, reason="需会同国土部门现场核查。", days=10
        )
        return services.decide_extension(complaint, by=head, decision="approved", opinion="同意延期。")
    complaint = services.reply(
        complaint, by=officer, reply_text="经现场核查，已责令当事人整改，现场已恢复正常秩序。"
    )
    if target == S.REPLIED:
        return complaint
    satisfaction = "unsatisfied" if target == "reopened" else "satisfied"
    complaint = services.record_visit(complaint, by=intake, satisfaction=satisfaction, note="电话回访。")
    if target == "reopened":
        return services.reopen(complaint, by=leader, reason="群众反映问题仍存在。")
    if target == S.VISITED:
        return complaint
    return services.close(complaint, by=intake)


def seed(stdout=None):
    """Creates the demo complaints that are missing; returns how many it created."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    categories = {c.code: c for c in ViolationCategory.objects.filter(is_active=True)}
    fallback = ViolationCategory.objects.filter(is_active=True, parent__isnull=False).order_by("code").first()
    existing = set(
        services.Complaint.objects.filter(external_ref__startswith="demo-").values_list(
            "external_ref", flat=True
        )
    )
    now = timezone.now()
    created, survivors = 0, {}
    for n, (district, channel, code, text, address, point, days_ago, target, person) in enumerate(SPECS):
        ref = f"demo-{n:02d}"
        if ref in existing:
            continue
        people = _users(district)
        category = categories.get(code) or _first_sub(categories, code) or fallback
        author = people["officer"] if channel == Channel.PATROL else people["intake"]
        lat, lng = (Decimal(point[0]), Decimal(point[1])) if point else (None, None)
        complaint = services.register_complaint(
            by=author,
            channel=channel,
            category=category,
            description=text,
            address=address,
            lat=lat,
            lng=lng,
            received_at=now - timedelta(days=days_ago, hours=n % 7),
            is_anonymous=person is None or not person[1],
            complainant_name=person[0] if person and person[1] else "",
            complainant_phone=person[1] if person else "",
            external_ref=ref,
            unit=author.unit,
        )
        survivors.setdefault((district, address), complaint)
        if target == "on_the_spot":
            photo = SimpleUploadedFile("after.png", _png(), content_type="image/png")
            services.add_attachment(complaint, photo, by=author, stage="after")
            services.close_on_the_spot(complaint, by=author, note="已现场劝导，当事人当场整改完毕。")
        elif target == S.MERGED:
            keep = survivors.get((district, address.split("（")[0]))
            keep = (
                keep
                if keep and keep.pk != complaint.pk
                else services.Complaint.objects.filter(external_ref="demo-00").first()
            )
            services.merge(complaint, by=people["intake"], into=keep, note="同一事项重复来电。")
        else:
            _advance(complaint, target, people)
        created += 1
    if stdout is not None:
        stdout.write(f"Demo complaints: {created} created, {len(existing)} already there.")
    return created


def _first_sub(categories, code):
    """A sub-category under major `code`, or the category itself: demo codes follow the catalogue's."""
    for key in sorted(categories):
        if categories[key].parent_id and categories[key].parent.code == code:
            return categories[key]
    return None
