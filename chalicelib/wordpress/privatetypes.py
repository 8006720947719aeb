"""Post types a WordPress site kept as posts but never showed as pages of their own.

WordPress's internals, and what plugins store as posts: visitors' records (form entries, orders,
payments, event attendees, ActivityPub followers and activities), definitions the plugin renders
elsewhere (forms, fields, popups, tables), and page builders' libraries (a template, a header, a
saved section, which the builder puts inside other pages). Plugins register them as not public: no
address answers them. Publishing the first group would put visitors' names, addresses and messages
on the web; the others are a plugin's parts, not pages. A type not listed here is content (portfolio
items, testimonials, events, products, forums), as its plugin showed it.

This module only names types; `ConvertOptions.skip_types` is where a conversion reads them.
"""

from __future__ import annotations

WORDPRESS = (
    "revision",
    "nav_menu_item",
    "customize_changeset",
    "custom_css",
    "oembed_cache",
    "user_request",
    "wp_block",
    "wp_template",
    "wp_template_part",
    "wp_global_styles",
    "wp_navigation",
    "wp_font_family",
    "wp_font_face",
    "attachment",
)
VISITORS_RECORDS = (
    "feedback",  # Jetpack's contact form responses
    "flamingo_contact",
    "flamingo_inbound",
    "nf_sub",  # Ninja Forms' submissions
    "otter_form_record",
    "shop_order",  # WooCommerce
    "shop_order_refund",
    "shop_order_placehold",
    "shop_coupon",
    "shop_webhook",
    "shop_subscription",
    "wc_user_membership",
    "wc_booking",
    "jp_pay_order",  # Jetpack's payments
    "edd_payment",  # Easy Digital Downloads
    "edd_log",
    "edd_discount",
    "give_payment",  # GiveWP
    "give_log",
    "llms_order",  # LifterLMS
    "llms_transaction",
    "tribe_rsvp_attendees",  # The Events Calendar's tickets and their attendees
    "tribe_tpp_attendees",
    "tribe_tpp_orders",
    "tec_tc_attendee",
    "tec_tc_order",
    "tribe_wooticket",
    "tribe_eddticket",
    "ap_follower",  # ActivityPub: followers, activities sent and received, actors
    "ap_outbox",
    "ap_inbox",
    "ap_actor",
    "ap_extrafield",
    "ap_extrafield_blog",
    "scheduled-action",  # Action Scheduler's queued jobs
    "private-messages",  # WP Job Manager's private messages between employers and candidates
    "job_application",  # WP Job Manager Applications: candidates' applications
    "listing-enquiry",  # Auto Listings: a visitor's enquiry, name, email and message in its fields
    "wp_log",
    "deprecated_log",  # Log Deprecated Notices: the admin's log of the server's configuration
)
DEFINITIONS = (
    "wpcf7_contact_form",
    "acf-field-group",
    "acf-field",
    "acf-post-type",
    "acf-taxonomy",
    "acf-ui-options-page",
    "wpforms",
    "wpforms_log",
    "forminator_forms",
    "forminator_polls",
    "forminator_quizzes",
    "frm_form_actions",
    "frm_styles",
    "mc4wp-form",
    "sureforms_form",
    "um_form",  # Ultimate Member
    "um_directory",
    "um_role",
    "jp_pay_product",
    "popup",  # Popup Maker
    "popup_theme",
    "tablepress_table",
    "wpcode",
    "custom-css-js",
    "amp_validated_url",
    "amp_validation_error",
    "jp_sitemap",  # Jetpack's sitemaps, kept as posts
    "jp_sitemap_master",
    "jp_img_sitemap",
    "jp_vid_sitemap",
    "bp-email",
    "wpcf",  # Contact Form 7's forms in an older export
    "optionsframework",  # Options Framework's theme settings
    "rm_content_editor",  # RegistrationMagic
    "wafs",  # WooCommerce Advanced Free Shipping's rules
    "aipkit_ai_form",  # AI Power's forms and chatbots
    "aipkit_chatbot",
    "intergeo",  # Intergeo Maps' maps
    "jmfe_custom_fields",  # WP Job Manager Field Editor's fields
    "visibility_groups",  # WP Job Manager Visibility's groups and defaults
    "default_visibilities",
    "acf",  # Advanced Custom Fields 4's field groups
    "wp-types-group",  # Toolset Types' field groups
    "wp-types-user-group",
    "wp-types-term-group",
    "wpdiscuz_form",
    "soliloquy",  # Soliloquy's sliders, which pages show through a shortcode
    "envira",  # Envira Gallery's galleries, likewise
    "sidebar",  # a theme's custom sidebars (WebMan's), widget areas
    "google_maps",  # a maps plugin's maps
    # Taxonomies' names, never post types: WordPress's importer refuses an item of a type not
    # registered, and a hand-made export's `category` items took the category archives' addresses.
    "category",
    "post_tag",
    "nav_menu",
    "post_format",
)
BUILDER_LIBRARIES = (
    "elementor_library",
    "elementor_snippet",
    "elementor_font",
    "elementor_icons",
    "et_pb_layout",  # Divi
    "et_template",
    "et_header_layout",
    "et_body_layout",
    "et_footer_layout",
    "et_theme_builder",
    "et_code_snippet",
    "fl-builder-template",  # Beaver Builder
    "fl-theme-layout",
    "ct_template",  # Oxygen
    "oceanwp_library",
    "astra-advanced-hook",
    "gp_elements",  # GeneratePress
    "kadence_element",
    "kadence_form",
    "vc_grid_item",  # WPBakery
    "templatera",
    "fusion_template",  # Avada
    "fusion_element",
    "fusion_tb_layout",
    "fusion_tb_section",
    "fusion_form",
    "gblocks_templates",  # GenerateBlocks
    "gblocks_global_style",
    "brizy_template",
)
NEVER_PAGES = (*WORDPRESS, *VISITORS_RECORDS, *DEFINITIONS, *BUILDER_LIBRARIES)
